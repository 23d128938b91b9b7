import { getTimeZoneChoice, intlTimeZone, type TimeZoneChoice } from './time-zone'

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
const whole = new Intl.NumberFormat('en')
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()

function dateTimeFormat(zone: TimeZoneChoice, seconds: boolean): Intl.DateTimeFormat {
  const key = `${zone}:${seconds}`
  let format = dateTimeFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short', timeZone: intlTimeZone(zone) })
    dateTimeFormats.set(key, format)
  }
  return format
}

export const formatCompact = (value: number): string => compact.format(value)
export const formatNumber = (value: number): string => whole.format(value)

/**
 * A date and time in the zone chosen in the sidebar (lib/time-zone), or "—". `seconds` for logs;
 * `zone` to format in another zone than the one chosen. A value that is not a date shows as it
 * came, never throwing.
 */
export const formatDateTime = (iso: string | null | undefined, options: { seconds?: boolean; zone?: TimeZoneChoice } = {}): string => {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return dateTimeFormat(options.zone ?? getTimeZoneChoice(), options.seconds ?? false).format(date)
}
export const formatPercent = (ratio: number): string => `${Math.round(ratio * 100)}%`
