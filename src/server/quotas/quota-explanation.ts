/**
 * @module quota-explanation
 * Turns a tenant's quota counters into the answer a person can act on: the state, which cap
 * binds, the headroom left, and, at the recent rate, when this month's ceiling will be reached.
 */
import type { Quotas } from '@shared/contract.js'
import { quotaState } from '@shared/quota-state.js'
import type { QuotaRow, QuotaTripRow } from './quota-repository.js'

const numberFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false })
const dayFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', timeZone: 'UTC' })

export { quotaState }

export function tripToApi(trip: QuotaTripRow) {
  return {
    id: trip.id,
    kind: trip.kind,
    trippedAt: trip.tripped_at.toISOString(),
    resetsAt: trip.resets_at.toISOString(),
    resetAt: trip.reset_at?.toISOString() ?? null,
    resetByName: trip.reset_by_name,
    resetReason: trip.reset_reason,
  }
}

export function explainQuota(row: QuotaRow, trips: QuotaTripRow[], tokensPerDay: number): Quotas {
  const velocity = row.velocity_per_hour
  const ceiling = Number(row.monthly_token_ceiling)
  const calls = row.current_hour_calls
  const tokens = Number(row.current_month_tokens)
  const hourResets = new Date(row.hour_start.getTime() + 3_600_000)
  const monthResets = new Date(Date.UTC(row.month_start.getUTCFullYear(), row.month_start.getUTCMonth() + 1, 1))
  const state = quotaState(calls, velocity, tokens, ceiling)
  const hourLeft = Math.max(0, velocity - calls)
  const monthLeft = Math.max(0, ceiling - tokens)
  const binding =
    state === 'ceiling_reached'
      ? 'monthly_ceiling'
      : state === 'velocity_capped'
        ? 'velocity'
        : hourLeft / Math.max(1, velocity) <= monthLeft / Math.max(1, ceiling)
          ? 'velocity'
          : 'monthly_ceiling'

  let ceilingReachedAt: string | null = null
  if (state !== 'ceiling_reached' && tokensPerDay > 0) {
    const reachedAt = new Date(row.now.getTime() + (monthLeft / tokensPerDay) * 86_400_000)
    if (reachedAt < monthResets) ceilingReachedAt = reachedAt.toISOString()
  } else if (state === 'ceiling_reached') {
    // Already reached: when it was (the open trip), never a forecast of "now".
    const openTrip = trips.find((trip) => trip.kind === 'monthly_ceiling' && !trip.reset_at && trip.resets_at > row.now)
    ceilingReachedAt = openTrip?.tripped_at.toISOString() ?? null
  }

  const hourText = `${calls} of ${velocity} calls this hour (${hourLeft} left, the hour resets at ${timeFormat.format(hourResets)} UTC)`
  const monthText = `${numberFormat.format(tokens)} of ${numberFormat.format(ceiling)} tokens this month (${numberFormat.format(monthLeft)} left, resets ${dayFormat.format(monthResets)})`
  let explanation: string
  if (state === 'ceiling_reached') {
    explanation = `Monthly token ceiling reached: ${monthText}. AI calls are refused until ${dayFormat.format(monthResets)} unless an operator resets or raises it.`
  } else if (state === 'velocity_capped') {
    explanation = `Velocity cap reached: ${hourText}. AI calls are refused until ${timeFormat.format(hourResets)} UTC.`
  } else {
    const forecast = ceilingReachedAt
      ? ` At the recent rate of ${numberFormat.format(tokensPerDay)} tokens a day the ceiling will be reached on ${dayFormat.format(new Date(ceilingReachedAt))}.`
      : tokensPerDay > 0
        ? ` At the recent rate of ${numberFormat.format(tokensPerDay)} tokens a day the ceiling will not be reached this month.`
        : ''
    explanation = `Within limits: ${hourText}; ${monthText}. The ${binding === 'velocity' ? 'hourly velocity cap' : 'monthly ceiling'} is closer.${forecast}`
  }

  return {
    tenantId: row.tenant_id,
    velocityPerHour: velocity,
    monthlyTokenCeiling: ceiling,
    hour: { windowStart: row.hour_start.toISOString(), calls, remaining: hourLeft, resetsAt: hourResets.toISOString() },
    month: { windowStart: row.month_start.toISOString(), tokens, remaining: monthLeft, resetsAt: monthResets.toISOString() },
    state,
    binding,
    explanation,
    forecast: { tokensPerDay: Math.round(tokensPerDay), ceilingReachedAt },
    trips: trips.map(tripToApi),
  }
}
