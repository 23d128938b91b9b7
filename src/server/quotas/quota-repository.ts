/**
 * @module quota-repository
 * AI quota counters and trips. `recordCall` checks both caps and counts the call in one UPDATE of
 * the tenant's ai_quotas row: concurrent callers (in any number of server processes) queue on
 * that row's lock and each re-checks against the latest counts, so a cap is never overshot.
 * Windows are the current UTC hour and UTC month.
 */
import type { DbClient } from '../db/pools.js'

export interface QuotaRow {
  tenant_id: string
  velocity_per_hour: number
  monthly_token_ceiling: string
  hour_window_start: Date
  hour_calls: number
  month_window_start: Date
  month_tokens: string
  /** Counts that belong to the current windows (0 when the stored window has passed). */
  current_hour_calls: number
  current_month_tokens: string
  hour_start: Date
  month_start: Date
  now: Date
}

export interface QuotaTripRow {
  id: string
  tenant_id: string
  kind: 'velocity' | 'monthly_ceiling'
  window_start: Date
  tripped_at: Date
  resets_at: Date
  reset_at: Date | null
  reset_by_name: string | null
  reset_reason: string | null
}

const currentHour = "date_trunc('hour', now(), 'UTC')"
const currentMonth = "date_trunc('month', now(), 'UTC')"
const hourCallsNow = `(CASE WHEN q.hour_window_start = ${currentHour} THEN q.hour_calls ELSE 0 END)`
const monthTokensNow = `(CASE WHEN q.month_window_start = ${currentMonth} THEN q.month_tokens ELSE 0 END)`

export async function ensureQuotaRow(client: DbClient, tenantId: string): Promise<void> {
  await client.query('INSERT INTO ai_quotas (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING', [tenantId])
}

/** Counts one call of `tokens` if both caps allow it; returns the new counts, or null when refused. */
interface RecordedCall {
  hour_calls: number
  velocity_per_hour: number
  month_tokens: string
  monthly_token_ceiling: string
}

export async function recordCall(client: DbClient, tenantId: string, tokens: number): Promise<RecordedCall | null> {
  const result = await client.query<RecordedCall>(
    `UPDATE ai_quotas q SET
        hour_window_start = ${currentHour},
        hour_calls = ${hourCallsNow} + 1,
        month_window_start = ${currentMonth},
        month_tokens = ${monthTokensNow} + $2,
        updated_at = now()
      WHERE q.tenant_id = $1
        AND ${hourCallsNow} + 1 <= q.velocity_per_hour
        AND ${monthTokensNow} + $2 <= q.monthly_token_ceiling
      RETURNING hour_calls, velocity_per_hour, month_tokens, monthly_token_ceiling`,
    [tenantId, tokens],
  )
  if (result.rowCount === 0) return null
  await client.query(
    `INSERT INTO ai_usage (tenant_id, bucket_start, calls, tokens) VALUES ($1, ${currentHour}, 1, $2)
     ON CONFLICT (tenant_id, bucket_start) DO UPDATE SET calls = ai_usage.calls + 1, tokens = ai_usage.tokens + excluded.tokens`,
    [tenantId, tokens],
  )
  return result.rows[0] ?? null
}

export async function readQuota(client: DbClient, tenantId: string): Promise<QuotaRow | null> {
  const result = await client.query<QuotaRow>(
    `SELECT q.*, ${hourCallsNow} AS current_hour_calls, ${monthTokensNow} AS current_month_tokens,
            ${currentHour} AS hour_start, ${currentMonth} AS month_start, now() AS now
       FROM ai_quotas q WHERE q.tenant_id = $1`,
    [tenantId],
  )
  return result.rows[0] ?? null
}

/** Records a trip of the current window; returns it when this is the window's first (or first since a reset). */
export async function recordTrip(client: DbClient, tenantId: string, kind: QuotaTripRow['kind']): Promise<QuotaTripRow | null> {
  const window = kind === 'velocity' ? currentHour : currentMonth
  const resetsAt = kind === 'velocity' ? `${currentHour} + interval '1 hour'` : `${currentMonth} + interval '1 month'`
  const result = await client.query<QuotaTripRow>(
    `INSERT INTO quota_trips (tenant_id, kind, window_start, resets_at) VALUES ($1, $2, ${window}, ${resetsAt})
     ON CONFLICT (tenant_id, kind, window_start) DO UPDATE
        SET tripped_at = now(), reset_at = NULL, reset_by = NULL, reset_by_name = NULL, reset_reason = NULL
      WHERE quota_trips.reset_at IS NOT NULL
     RETURNING *`,
    [tenantId, kind],
  )
  return result.rows[0] ?? null
}

export async function listTrips(client: DbClient, tenantId: string, limit = 20): Promise<QuotaTripRow[]> {
  const result = await client.query<QuotaTripRow>('SELECT * FROM quota_trips WHERE tenant_id = $1 ORDER BY tripped_at DESC LIMIT $2', [
    tenantId,
    limit,
  ])
  return result.rows
}

/** Tokens per day over the last seven days, from the hourly buckets. */
export async function recentTokensPerDay(client: DbClient, tenantId: string): Promise<number> {
  const result = await client.query<{ tokens: string | null }>(
    "SELECT sum(tokens) AS tokens FROM ai_usage WHERE tenant_id = $1 AND bucket_start >= now() - interval '7 days'",
    [tenantId],
  )
  return Number(result.rows[0]?.tokens ?? 0) / 7
}

export async function setCaps(
  client: DbClient,
  tenantId: string,
  caps: { velocityPerHour: number; monthlyTokenCeiling: number },
): Promise<void> {
  await client.query('UPDATE ai_quotas SET velocity_per_hour = $2, monthly_token_ceiling = $3, updated_at = now() WHERE tenant_id = $1', [
    tenantId,
    caps.velocityPerHour,
    caps.monthlyTokenCeiling,
  ])
}

/** Starts the tripped window over (its counter back to 0) and marks its open trips reset. */
export async function resetWindow(
  client: DbClient,
  tenantId: string,
  kind: QuotaTripRow['kind'],
  by: { id: string; name: string | null; reason: string },
): Promise<number> {
  await client.query(
    kind === 'velocity'
      ? 'UPDATE ai_quotas SET hour_calls = 0, updated_at = now() WHERE tenant_id = $1'
      : 'UPDATE ai_quotas SET month_tokens = 0, updated_at = now() WHERE tenant_id = $1',
    [tenantId],
  )
  const result = await client.query(
    'UPDATE quota_trips SET reset_at = now(), reset_by = $3, reset_by_name = $4, reset_reason = $5 WHERE tenant_id = $1 AND kind = $2 AND reset_at IS NULL',
    [tenantId, kind, by.id, by.name, by.reason],
  )
  return result.rowCount ?? 0
}
