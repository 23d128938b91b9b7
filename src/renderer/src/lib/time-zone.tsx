/**
 * @module time-zone
 * The one time zone every time on screen is shown in: the computer's own (named, e.g.
 * "Europe/Rome") or UTC, chosen once in the sidebar and kept in localStorage. `formatDateTime`
 * reads it, date inputs are read in it, and the setting says which it is, so a time on screen
 * never leaves its zone to guess. Exports stay in UTC (ISO 8601, said so in their header).
 */
import { useSyncExternalStore } from 'react'

export type TimeZoneChoice = 'local' | 'utc'

const storageKey = 'limena.timeZone'
const listeners = new Set<() => void>()

function storage(): Storage | null {
  try {
    return typeof globalThis.localStorage === 'undefined' ? null : globalThis.localStorage
  } catch {
    return null
  }
}

function readStored(): TimeZoneChoice {
  const stored = storage()?.getItem(storageKey)
  return stored === 'utc' ? 'utc' : 'local'
}

let current: TimeZoneChoice = readStored()

/** The zone chosen now (for code outside React: formatters, parsers). */
export function getTimeZoneChoice(): TimeZoneChoice {
  return current
}

export function setTimeZoneChoice(choice: TimeZoneChoice): void {
  if (choice === current) return
  current = choice
  try {
    storage()?.setItem(storageKey, choice)
  } catch {
    // A full or refused storage keeps the choice for this session only.
  }
  for (const listener of listeners) listener()
}

export function subscribeTimeZone(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The chosen zone, re-rendering the caller when it changes. */
export function useTimeZone(): TimeZoneChoice {
  return useSyncExternalStore(subscribeTimeZone, getTimeZoneChoice, getTimeZoneChoice)
}

/** The computer's IANA zone ("Europe/Rome"), or null when the runtime does not say. */
export function localTimeZoneName(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null
  } catch {
    return null
  }
}

/** The IANA zone to give Intl for a choice (undefined: the computer's own). */
export function intlTimeZone(choice: TimeZoneChoice): string | undefined {
  return choice === 'utc' ? 'UTC' : undefined
}

/** The zone's short name for labels: "UTC" or "Europe/Rome" (or "local time"). */
export function timeZoneName(choice: TimeZoneChoice = current): string {
  return choice === 'utc' ? 'UTC' : (localTimeZoneName() ?? 'local time')
}

/** The sentence the setting shows: "Times in UTC", "Times in local time (Europe/Rome)". */
export function timeZoneSentence(choice: TimeZoneChoice = current): string {
  if (choice === 'utc') return 'Times in UTC'
  const name = localTimeZoneName()
  return name ? `Times in local time (${name})` : 'Times in local time'
}

/** The setting: a labelled choice and the sentence that names the zone in force. */
export function TimeZoneSetting() {
  const choice = useTimeZone()
  return (
    <div className="time-zone-setting" role="group" aria-label="Time zone">
      <label>
        Time zone
        <select value={choice} onChange={(event) => setTimeZoneChoice(event.target.value === 'utc' ? 'utc' : 'local')}>
          <option value="local">Local ({localTimeZoneName() ?? 'this computer'})</option>
          <option value="utc">UTC</option>
        </select>
      </label>
      <span className="muted" role="status">
        {timeZoneSentence(choice)}
      </span>
    </div>
  )
}
