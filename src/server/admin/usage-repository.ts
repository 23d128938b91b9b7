/**
 * @module usage-repository
 * The usage page's tables, read across tenants on the operator's read-only snapshot: the tenants
 * near their monthly ceiling (those tied at 100% by when they tripped) and one keyset page of the
 * quota trips in a range, newest first.
 */
import type { DbClient } from '../db/pools.js'
import type { QuotaTripRow } from '../quotas/quota-repository.js'

export const nearCeilingRatio = 0.8
const nearCeilingLimit = 20

export interface NearCeilingRow {
  tenant_id: string
  name: string
  month_tokens: string
  monthly_token_ceiling: string
  /** When this month's ceiling tripped (its open trip), for a tenant at or above it; else null. */
  tripped_at: Date | null
}

/**
 * Tenants at `nearCeilingRatio` of their ceiling or more, most used first. Every tenant at or
 * above its ceiling is at 100% (its calls are refused alike), so among those the one refused
 * longest comes first: by its open trip's time, earliest first. Tripped at the same instant, the
 * one furthest over its ceiling, then the one with the most tokens (the most work refused).
 */
export async function tenantsNearCeiling(client: DbClient): Promise<NearCeilingRow[]> {
  const ratio = 'q.month_tokens::numeric / q.monthly_token_ceiling'
  const trippedAt = 'CASE WHEN q.month_tokens >= q.monthly_token_ceiling THEN trip.tripped_at END'
  const result = await client.query<NearCeilingRow>(
    `SELECT q.tenant_id, t.name, q.month_tokens, q.monthly_token_ceiling,
            ${trippedAt} AS tripped_at
       FROM ai_quotas q JOIN tenants t ON t.id = q.tenant_id
       LEFT JOIN LATERAL (
         SELECT min(r.tripped_at) AS tripped_at FROM quota_trips r
          WHERE r.tenant_id = q.tenant_id AND r.kind = 'monthly_ceiling' AND r.window_start = q.month_window_start AND r.reset_at IS NULL
       ) trip ON true
      WHERE q.month_window_start = date_trunc('month', now(), 'UTC') AND q.monthly_token_ceiling > 0
        AND q.month_tokens >= q.monthly_token_ceiling * $1::numeric AND t.deleted_at IS NULL
      ORDER BY least(${ratio}, 1) DESC, ${trippedAt} ASC NULLS LAST, ${ratio} DESC, q.month_tokens DESC, t.name, q.tenant_id
      LIMIT $2`,
    [nearCeilingRatio, nearCeilingLimit],
  )
  return result.rows
}

export type UsageTripRow = QuotaTripRow & { name: string }

export interface TripsPage {
  trips: UsageTripRow[]
  total: number
  /** 1-based position of the page's first trip among the range's trips, newest first. */
  first: number
  /** Send as `tripsAfter` for the newer page; null on the first. */
  newer: string | null
  /** Send as `tripsBefore` for the older page; null on the last. */
  older: string | null
}

const inRange = 'q.tripped_at >= $1 AND q.tripped_at < $2'
/** The position of trip `$N` in the newest-first order: (tripped_at, id), so equal times still have an order. */
const positionOf = (parameter: string) => `(SELECT c.tripped_at, c.id FROM quota_trips c WHERE c.id = ${parameter})`

/**
 * One page of the trips in [from, to), newest first, by keyset: `before` (older than that trip)
 * or `after` (newer than it). A cursor that names no trip, or a page that would be empty or short
 * toward the newest end, gives the first page instead.
 */
export async function tripsPage(
  client: DbClient,
  range: readonly [from: string, to: string],
  page: { before?: string | undefined; after?: string | undefined; limit: number },
): Promise<TripsPage> {
  const select = 'SELECT q.*, t.name FROM quota_trips q JOIN tenants t ON t.id = q.tenant_id'
  const firstPage = async () =>
    (await client.query<UsageTripRow>(`${select} WHERE ${inRange} ORDER BY q.tripped_at DESC, q.id DESC LIMIT $3`, [...range, page.limit]))
      .rows
  let trips: UsageTripRow[]
  if (page.before) {
    trips = (
      await client.query<UsageTripRow>(
        `${select} WHERE ${inRange} AND (q.tripped_at, q.id) < ${positionOf('$4')} ORDER BY q.tripped_at DESC, q.id DESC LIMIT $3`,
        [...range, page.limit, page.before],
      )
    ).rows
  } else if (page.after) {
    trips = (
      await client.query<UsageTripRow>(
        `${select} WHERE ${inRange} AND (q.tripped_at, q.id) > ${positionOf('$4')} ORDER BY q.tripped_at ASC, q.id ASC LIMIT $3`,
        [...range, page.limit, page.after],
      )
    ).rows.reverse()
    if (trips.length < page.limit) trips = []
  } else {
    trips = await firstPage()
  }
  if (trips.length === 0 && (page.before || page.after)) trips = await firstPage()
  const counts = (
    await client.query<{ total: string; newer: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE (q.tripped_at, q.id) > ${positionOf('$3')}) AS newer
         FROM quota_trips q JOIN tenants t ON t.id = q.tenant_id WHERE ${inRange}`,
      [...range, trips[0]?.id ?? null],
    )
  ).rows[0]!
  const total = Number(counts.total)
  const first = Number(counts.newer) + 1
  return {
    trips,
    total,
    first,
    newer: first > 1 ? trips[0]!.id : null,
    older: trips.length > 0 && first - 1 + trips.length < total ? trips.at(-1)!.id : null,
  }
}
