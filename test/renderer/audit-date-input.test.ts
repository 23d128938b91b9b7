/**
 * Date-time inputs of the audit explorer (features/audit/model/date-input.ts) and the time zone
 * they are read in (lib/time-zone): a mistyped date is a field error naming the field, never an
 * exception (a six-digit year used to raise a RangeError in toISOString), and a date is read in
 * the zone chosen on screen.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAbsoluteRange, parseDateTimeInput, toDateTimeInputValue } from '../../src/renderer/src/features/audit/model/date-input'
import { formatDateTime } from '../../src/renderer/src/lib/format'
import { getTimeZoneChoice, setTimeZoneChoice, timeZoneSentence } from '../../src/renderer/src/lib/time-zone'

describe('parseDateTimeInput', () => {
  it('reads a datetime-local value in UTC', () => {
    expect(parseDateTimeInput('2026-05-01T14:30', 'utc', 'From')).toEqual({ ok: true, iso: '2026-05-01T14:30:00.000Z' })
    expect(parseDateTimeInput('2026-05-01T14:30:15', 'utc', 'From')).toEqual({ ok: true, iso: '2026-05-01T14:30:15.000Z' })
    expect(parseDateTimeInput('2026-05-01T14:30:15.5', 'utc', 'From')).toEqual({ ok: true, iso: '2026-05-01T14:30:15.500Z' })
  })

  it('reads a value in the computer’s zone as that zone’s wall-clock time', () => {
    const parsed = parseDateTimeInput('2026-05-01T14:30', 'local', 'From')
    expect(parsed).toEqual({ ok: true, iso: new Date(2026, 4, 1, 14, 30).toISOString() })
  })

  it('names the field for a six-digit year instead of throwing', () => {
    expect(parseDateTimeInput('202600-05-01T14:30', 'utc', 'From')).toEqual({
      ok: false,
      error: 'From: the year must be between 1970 and 9999.',
    })
    expect(parseDateTimeInput('275760-09-13T00:00', 'local', 'To')).toEqual({
      ok: false,
      error: 'To: the year must be between 1970 and 9999.',
    })
  })

  it('refuses days a month does not have, hours past 23 and text that is not a date', () => {
    expect(parseDateTimeInput('2026-02-30T10:00', 'utc', 'From')).toEqual({ ok: false, error: 'From: 2026-02 has no day 30.' })
    expect(parseDateTimeInput('2028-02-29T10:00', 'utc', 'From').ok).toBe(true)
    expect(parseDateTimeInput('2026-13-01T10:00', 'utc', 'From')).toMatchObject({ ok: false, error: expect.stringContaining('month') })
    expect(parseDateTimeInput('2026-01-01T24:00', 'utc', 'From')).toMatchObject({ ok: false, error: expect.stringContaining('time') })
    expect(parseDateTimeInput('yesterday', 'utc', 'From')).toMatchObject({ ok: false, error: expect.stringMatching(/^From: /) })
    expect(parseDateTimeInput('', 'utc', 'From', true)).toEqual({ ok: false, error: 'From: enter a complete date and time.' })
  })

  it('never throws, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('utc' as const, 'local' as const), fc.boolean(), (text, zone, bad) => {
        const parsed = parseDateTimeInput(text, zone, 'From', bad)
        if (parsed.ok) expect(Number.isNaN(Date.parse(parsed.iso))).toBe(false)
        else expect(parsed.error).toMatch(/^From: /)
      }),
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (year, month, day, hour, minute) => {
          const two = (value: number) => String(value).padStart(2, '0')
          const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}`
          expect(() => parseDateTimeInput(text, 'utc', 'To')).not.toThrow()
          expect(() => parseDateTimeInput(text, 'local', 'To')).not.toThrow()
        },
      ),
    )
  })

  it('writes an instant back as the input’s value in the zone, round-tripping', () => {
    expect(toDateTimeInputValue('2026-05-01T14:30:00.000Z', 'utc')).toBe('2026-05-01T14:30')
    const value = toDateTimeInputValue('2026-05-01T14:30:00.000Z', 'local')
    expect(parseDateTimeInput(value, 'local', 'From')).toEqual({ ok: true, iso: '2026-05-01T14:30:00.000Z' })
    expect(toDateTimeInputValue('not a date', 'utc')).toBe('')
    expect(toDateTimeInputValue(undefined, 'utc')).toBe('')
  })
})

describe('parseAbsoluteRange', () => {
  it('checks both ends and their order, by field', () => {
    expect(parseAbsoluteRange({ from: '2026-05-01T10:00', to: '2026-05-02T10:00' }, 'utc')).toEqual({
      ok: true,
      from: '2026-05-01T10:00:00.000Z',
      to: '2026-05-02T10:00:00.000Z',
    })
    expect(parseAbsoluteRange({ from: '2026-05-02T10:00', to: '2026-05-01T10:00' }, 'utc')).toEqual({
      ok: false,
      errors: { to: 'To: must be after From.' },
    })
    expect(parseAbsoluteRange({ from: '202600-05-01T10:00', to: '2026-02-30T10:00' }, 'utc')).toEqual({
      ok: false,
      errors: { from: 'From: the year must be between 1970 and 9999.', to: 'To: 2026-02 has no day 30.' },
    })
    expect(parseAbsoluteRange({ from: '', to: '2026-05-01T10:00' }, 'utc')).toEqual({
      ok: true,
      from: undefined,
      to: '2026-05-01T10:00:00.000Z',
    })
    expect(parseAbsoluteRange({ from: '', to: '' }, 'utc')).toMatchObject({ ok: false })
    expect(parseAbsoluteRange({ from: '', to: '', fromBad: true }, 'utc')).toEqual({
      ok: false,
      errors: { from: 'From: enter a complete date and time.' },
    })
  })
})

describe('the time zone setting', () => {
  it('formats every time in the zone chosen, and says which', () => {
    const before = getTimeZoneChoice()
    try {
      setTimeZoneChoice('utc')
      expect(formatDateTime('2026-05-01T23:30:00.000Z')).toBe('May 1, 2026, 11:30 PM UTC')
      expect(formatDateTime('2026-05-01T23:30:05.000Z', { seconds: true })).toBe('May 1, 2026, 11:30:05 PM UTC')
      // Where a column header names the zone already.
      expect(formatDateTime('2026-05-01T23:30:05.000Z', { seconds: true, zoneLabel: false })).toBe('May 1, 2026, 11:30:05 PM')
      expect(timeZoneSentence()).toBe('Times in UTC')
      setTimeZoneChoice('local')
      expect(timeZoneSentence()).toMatch(/^Times in local time/)
      expect(formatDateTime('2026-05-01T23:30:00.000Z', { zone: 'utc' })).toBe('May 1, 2026, 11:30 PM UTC')
      expect(formatDateTime(null)).toBe('—')
      expect(formatDateTime('garbage')).toBe('garbage')
    } finally {
      setTimeZoneChoice(before)
    }
  })
})
