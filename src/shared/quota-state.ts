/**
 * @module quota-state
 * A tenant's AI quota state from its counters and caps, and what new caps would do: the one rule
 * the backend enforces and the console previews before an operator saves a change.
 */
import type { Quotas, QuotaState } from './contract.js'

export function quotaState(calls: number, velocity: number, tokens: number, ceiling: number): QuotaState {
  if (tokens >= ceiling) return 'ceiling_reached'
  if (calls >= velocity) return 'velocity_capped'
  return 'ok'
}

export interface QuotaChangePreview {
  state: QuotaState
  callsLeftThisHour: number
  tokensLeftThisMonth: number
  /** The change ends a trip in force now (AI calls are accepted again at once). */
  liftsTrip: boolean
  /** The change trips a quota that is not tripped now (AI calls are refused at once). */
  tripsNow: boolean
}

/** What the caps `next` would mean for the tenant now, with its current counters. */
export function previewQuotaChange(
  current: Pick<Quotas, 'state' | 'hour' | 'month'>,
  next: { velocityPerHour: number; monthlyTokenCeiling: number },
): QuotaChangePreview {
  const state = quotaState(current.hour.calls, next.velocityPerHour, current.month.tokens, next.monthlyTokenCeiling)
  return {
    state,
    callsLeftThisHour: Math.max(0, next.velocityPerHour - current.hour.calls),
    tokensLeftThisMonth: Math.max(0, next.monthlyTokenCeiling - current.month.tokens),
    liftsTrip: current.state !== 'ok' && state === 'ok',
    tripsNow: current.state === 'ok' && state !== 'ok',
  }
}
