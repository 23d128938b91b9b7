/**
 * Date-time inputs read in the chosen time zone, never throwing: a mistyped value (a six-digit
 * year, the 31st of February, half a date) becomes a field error naming the field, not a
 * RangeError from `toISOString`.
 */
import type { TimeZoneChoice } from '@renderer/lib/time-zone'

export type ParsedDateTime = { ok: true; iso: string } | { ok: false; error: string }

/** The years a filter may name: what the backend's ISO instants and every formatter accept. */
export const minYear = 1970
export const maxYear = 9999

const pattern = /^(\d{4,6})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/

/**
 * `value` from <input type="datetime-local"> ("2026-05-01T14:30"), read in `zone`, as an ISO
 * instant; `field` names the field in the error ("From"). `badInput`: the browser holds a value
 * it could not read (a half-typed date), so the empty string is not "no date".
 */
export function parseDateTimeInput(value: string, zone: TimeZoneChoice, field: string, badInput = false): ParsedDateTime {
  const text = value.trim()
  if (!text)
    return badInput
      ? { ok: false, error: `${field}: enter a complete date and time.` }
      : { ok: false, error: `${field}: enter a date and time.` }
  const match = pattern.exec(text)
  if (!match) return { ok: false, error: `${field}: "${text}" is not a date and time (year-month-day hour:minute).` }
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const hour = Number(match[4])
  const minute = Number(match[5])
  const second = Number(match[6] ?? 0)
  const millisecond = Number((match[7] ?? '0').padEnd(3, '0'))
  if (year < minYear || year > maxYear) return { ok: false, error: `${field}: the year must be between ${minYear} and ${maxYear}.` }
  if (month < 1 || month > 12) return { ok: false, error: `${field}: the month must be between 1 and 12.` }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, error: `${field}: the time must be between 00:00 and 23:59.` }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day < 1 || day > daysInMonth) return { ok: false, error: `${field}: ${match[1]}-${match[2]} has no day ${day}.` }
  const time =
    zone === 'utc'
      ? Date.UTC(year, month - 1, day, hour, minute, second, millisecond)
      : new Date(year, month - 1, day, hour, minute, second, millisecond).getTime()
  if (!Number.isFinite(time)) return { ok: false, error: `${field}: this date cannot be read.` }
  return { ok: true, iso: new Date(time).toISOString() }
}

const two = (value: number) => String(value).padStart(2, '0')

/** An ISO instant as a datetime-local value in `zone` ("2026-05-01T14:30"); '' for nothing or a bad value. */
export function toDateTimeInputValue(iso: string | undefined, zone: TimeZoneChoice): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const parts =
    zone === 'utc'
      ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()]
      : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes()]
  const [year, month, day, hour, minute] = parts as [number, number, number, number, number]
  if (year < minYear || year > maxYear) return ''
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}`
}

/** Both ends of an absolute range, each checked, and `from` before `to`; errors by field. */
export function parseAbsoluteRange(
  input: { from: string; to: string; fromBad?: boolean; toBad?: boolean },
  zone: TimeZoneChoice,
): { ok: true; from: string | undefined; to: string | undefined } | { ok: false; errors: { from?: string; to?: string } } {
  const from = input.from.trim() || input.fromBad ? parseDateTimeInput(input.from, zone, 'From', input.fromBad) : null
  const to = input.to.trim() || input.toBad ? parseDateTimeInput(input.to, zone, 'To', input.toBad) : null
  const errors: { from?: string; to?: string } = {}
  if (from && !from.ok) errors.from = from.error
  if (to && !to.ok) errors.to = to.error
  if (!from && !to) errors.from = 'From: enter a date and time, or To.'
  if (errors.from || errors.to) return { ok: false, errors }
  const fromIso = from?.ok ? from.iso : undefined
  const toIso = to?.ok ? to.iso : undefined
  if (fromIso && toIso && Date.parse(fromIso) >= Date.parse(toIso)) return { ok: false, errors: { to: 'To: must be after From.' } }
  return { ok: true, from: fromIso, to: toIso }
}
