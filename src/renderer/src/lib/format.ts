const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
const whole = new Intl.NumberFormat('en')
const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' })

export const formatCompact = (value: number): string => compact.format(value)
export const formatNumber = (value: number): string => whole.format(value)
export const formatDateTime = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : '—')
export const formatPercent = (ratio: number): string => `${Math.round(ratio * 100)}%`
