/**
 * @module verify-audit
 * Walks each tenant's hash chain, and the platform audit log's (migration 0011), and reports the
 * first broken link of each: a row whose stored hash does not match its content, whose prev_hash
 * is not the previous row's hash, a gap in the sequence, a row whose time is before the previous
 * row's, or a chain head that does not point at the last row (rows removed from the end).
 *
 * Time is checked because hashes alone cannot tell a re-hashed chain with a row moved back in
 * time from an honest one, and appends never write an earlier time (migration 0009). Rows a
 * chain had before that migration took their transaction's start time, which could go back; the
 * head's `time_ordered_from` is the first seq held to the order.
 */
import type { DbClient } from '../db/pools.js'

/** The first broken link of one chain. */
export type ChainBreak =
  | {
      seq: string | null
      auditId: string | null
      problem: 'content_changed' | 'link_broken' | 'sequence_gap' | 'head_mismatch'
    }
  | {
      seq: string
      auditId: string
      problem: 'time_went_back'
      /** This row's time and the previous row's, ISO 8601 to the microsecond. */
      at: string
      previousAt: string
    }

export type BrokenLink = ChainBreak & { tenantId: string }

export interface AuditVerification {
  tenantsChecked: number
  rowsChecked: number
  broken: BrokenLink[]
}

const isoMicroseconds = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
const zeroHash = `'\\x${'00'.repeat(32)}'::bytea`

interface CheckedRow {
  seq: string
  id: string
  digest_ok: boolean
  link_ok: boolean
  seq_ok: boolean
  at: string
  previous_at: string | null
}

function chainBreakOf(row: CheckedRow): ChainBreak {
  return row.digest_ok && row.seq_ok && row.link_ok
    ? { seq: row.seq, auditId: row.id, problem: 'time_went_back', at: row.at, previousAt: row.previous_at! }
    : { seq: row.seq, auditId: row.id, problem: !row.digest_ok ? 'content_changed' : !row.seq_ok ? 'sequence_gap' : 'link_broken' }
}

export async function verifyAuditChains(client: DbClient, tenantId?: string): Promise<AuditVerification> {
  const scope = tenantId ? 'WHERE tenant_id = $1' : ''
  const parameters = tenantId ? [tenantId] : []
  const counts = await client.query<{ tenants: string; rows: string }>(
    `SELECT count(DISTINCT tenant_id) AS tenants, count(*) AS rows FROM audit_logs ${scope}`,
    parameters,
  )
  const firstBroken = await client.query<CheckedRow & { tenant_id: string }>(
    `SELECT DISTINCT ON (checked.tenant_id) checked.tenant_id, checked.seq, checked.id, digest_ok, link_ok, seq_ok,
            ${isoMicroseconds('checked.at')} AS at, ${isoMicroseconds('previous_at')} AS previous_at
       FROM (SELECT tenant_id, seq, id, at,
                    hash = audit_digest(prev_hash, seq, tenant_id, at, action, actor_type, actor_id, actor_name, target_type, target_id,
                                        target_name, ip, user_agent, request_id, reason, changes, metadata) AS digest_ok,
                    prev_hash = coalesce(lag(hash) OVER chain, ${zeroHash}) AS link_ok,
                    seq = coalesce(lag(seq) OVER chain, 0) + 1 AS seq_ok,
                    lag(at) OVER chain AS previous_at
               FROM audit_logs ${scope}
             WINDOW chain AS (PARTITION BY tenant_id ORDER BY seq)) checked
       LEFT JOIN audit_chain_heads head ON head.tenant_id = checked.tenant_id
      WHERE NOT (digest_ok AND link_ok AND seq_ok)
         OR (checked.seq >= coalesce(head.time_ordered_from, 1) AND checked.at < previous_at)
      ORDER BY checked.tenant_id, checked.seq`,
    parameters,
  )
  const broken: BrokenLink[] = firstBroken.rows.map((row) => ({ tenantId: row.tenant_id, ...chainBreakOf(row) }))
  const heads = await client.query<{ tenant_id: string }>(
    `SELECT head.tenant_id
       FROM audit_chain_heads head
       LEFT JOIN LATERAL (SELECT seq, hash FROM audit_logs l WHERE l.tenant_id = head.tenant_id ORDER BY seq DESC LIMIT 1) last ON true
      WHERE (last.seq IS DISTINCT FROM head.seq OR last.hash IS DISTINCT FROM head.hash) ${tenantId ? 'AND head.tenant_id = $1' : ''}`,
    parameters,
  )
  for (const head of heads.rows) {
    if (!broken.some((link) => link.tenantId === head.tenant_id))
      broken.push({ tenantId: head.tenant_id, seq: null, auditId: null, problem: 'head_mismatch' })
  }
  return { tenantsChecked: Number(counts.rows[0]!.tenants), rowsChecked: Number(counts.rows[0]!.rows), broken }
}

/** The platform log's digests carry the nil UUID in the tenant slot and no changes (migration 0011). */
const platformTenantSlot = "'00000000-0000-0000-0000-000000000000'::uuid"

export interface PlatformAuditVerification {
  rowsChecked: number
  /** The first broken link, if any: one chain, so at most one. */
  broken: ChainBreak | null
}

export async function verifyPlatformAuditChain(client: DbClient): Promise<PlatformAuditVerification> {
  const counted = await client.query<{ rows: string }>('SELECT count(*) AS rows FROM platform_audit_logs')
  const firstBroken = await client.query<CheckedRow>(
    `SELECT checked.seq, checked.id, digest_ok, link_ok, seq_ok, ${isoMicroseconds('checked.at')} AS at, ${isoMicroseconds('previous_at')} AS previous_at
       FROM (SELECT seq, id, at,
                    hash = audit_digest(prev_hash, seq, ${platformTenantSlot}, at, action, actor_type, actor_id, actor_name, target_type, target_id,
                                        target_name, ip, user_agent, request_id, reason, NULL, metadata) AS digest_ok,
                    prev_hash = coalesce(lag(hash) OVER chain, ${zeroHash}) AS link_ok,
                    seq = coalesce(lag(seq) OVER chain, 0) + 1 AS seq_ok,
                    lag(at) OVER chain AS previous_at
               FROM platform_audit_logs
             WINDOW chain AS (ORDER BY seq)) checked
      WHERE NOT (digest_ok AND link_ok AND seq_ok) OR checked.at < previous_at
      ORDER BY checked.seq LIMIT 1`,
  )
  const row = firstBroken.rows[0]
  let broken: ChainBreak | null = row ? chainBreakOf(row) : null
  if (!broken) {
    const head = await client.query<{ matches: boolean }>(
      `SELECT (SELECT seq FROM platform_audit_logs ORDER BY seq DESC LIMIT 1) IS NOT DISTINCT FROM nullif(head.seq, 0)
              AND coalesce((SELECT hash FROM platform_audit_logs ORDER BY seq DESC LIMIT 1), ${zeroHash}) = head.hash AS matches
         FROM platform_audit_head head`,
    )
    if (head.rows[0]?.matches !== true) broken = { seq: null, auditId: null, problem: 'head_mismatch' }
  }
  return { rowsChecked: Number(counted.rows[0]!.rows), broken }
}
