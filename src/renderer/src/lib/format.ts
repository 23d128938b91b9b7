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

const zoneLabels = new Map<string, Intl.DateTimeFormat>()

/** The zone's short name at that instant ("UTC", "CET", "GMT+1"), so a time on screen says which clock it is on. */
function zoneLabel(date: Date, zone: TimeZoneChoice): string {
  let format = zoneLabels.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZoneName: 'short', timeZone: intlTimeZone(zone) })
    zoneLabels.set(zone, format)
  }
  return format.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? ''
}

export const formatCompact = (value: number): string => compact.format(value)
export const formatNumber = (value: number): string => whole.format(value)

/**
 * A date and time in the zone chosen in the sidebar (lib/time-zone), named ("Nov 23, 2026, 4:00 PM
 * UTC"), or "—". `seconds` for logs; `zone` to format in another zone than the one chosen;
 * `zoneLabel: false` where a column header names the zone already. A value that is not a date
 * shows as it came, never throwing.
 */
export const formatDateTime = (
  iso: string | null | undefined,
  options: { seconds?: boolean; zone?: TimeZoneChoice; zoneLabel?: boolean } = {},
): string => {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const zone = options.zone ?? getTimeZoneChoice()
  const text = dateTimeFormat(zone, options.seconds ?? false).format(date)
  return options.zoneLabel === false ? text : `${text} ${zoneLabel(date, zone)}`.trimEnd()
}
export const formatPercent = (ratio: number): string => `${Math.round(ratio * 100)}%`
