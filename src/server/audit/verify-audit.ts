/**
 * @module verify-audit
 * Walks each tenant's hash chain and reports the first broken link: a row whose stored hash does
 * not match its content, whose prev_hash is not the previous row's hash, a gap in the sequence,
 * or a chain head that does not point at the last row (rows removed from the end).
 */
import type { DbClient } from '../db/pools.js'

export interface BrokenLink {
  tenantId: string
  seq: string | null
  auditId: string | null
  problem: 'content_changed' | 'link_broken' | 'sequence_gap' | 'head_mismatch'
}

export interface AuditVerification {
  tenantsChecked: number
  rowsChecked: number
  broken: BrokenLink[]
}

export async function verifyAuditChains(client: DbClient, tenantId?: string): Promise<AuditVerification> {
  const scope = tenantId ? 'WHERE tenant_id = $1' : ''
  const parameters = tenantId ? [tenantId] : []
  const counts = await client.query<{ tenants: string; rows: string }>(
    `SELECT count(DISTINCT tenant_id) AS tenants, count(*) AS rows FROM audit_logs ${scope}`,
    parameters,
  )
  const firstBroken = await client.query<{ tenant_id: string; seq: string; id: string; digest_ok: boolean; link_ok: boolean; seq_ok: boolean }>(
    `SELECT DISTINCT ON (tenant_id) tenant_id, seq, id, digest_ok, link_ok, seq_ok
       FROM (SELECT tenant_id, seq, id,
                    hash = audit_digest(prev_hash, seq, tenant_id, at, action, actor_type, actor_id, actor_name, target_type, target_id,
                                        target_name, ip, user_agent, request_id, reason, changes, metadata) AS digest_ok,
                    prev_hash = coalesce(lag(hash) OVER chain, '\\x${'00'.repeat(32)}'::bytea) AS link_ok,
                    seq = coalesce(lag(seq) OVER chain, 0) + 1 AS seq_ok
               FROM audit_logs ${scope}
             WINDOW chain AS (PARTITION BY tenant_id ORDER BY seq)) checked
      WHERE NOT (digest_ok AND link_ok AND seq_ok)
      ORDER BY tenant_id, seq`,
    parameters,
  )
  const broken: BrokenLink[] = firstBroken.rows.map((row) => ({
    tenantId: row.tenant_id,
    seq: row.seq,
    auditId: row.id,
    problem: !row.digest_ok ? 'content_changed' : !row.seq_ok ? 'sequence_gap' : 'link_broken',
  }))
  const heads = await client.query<{ tenant_id: string }>(
    `SELECT head.tenant_id
       FROM audit_chain_heads head
       LEFT JOIN LATERAL (SELECT seq, hash FROM audit_logs l WHERE l.tenant_id = head.tenant_id ORDER BY seq DESC LIMIT 1) last ON true
      WHERE (last.seq IS DISTINCT FROM head.seq OR last.hash IS DISTINCT FROM head.hash) ${tenantId ? 'AND head.tenant_id = $1' : ''}`,
    parameters,
  )
  for (const head of heads.rows) {
    if (!broken.some((link) => link.tenantId === head.tenant_id)) broken.push({ tenantId: head.tenant_id, seq: null, auditId: null, problem: 'head_mismatch' })
  }
  return { tenantsChecked: Number(counts.rows[0]!.tenants), rowsChecked: Number(counts.rows[0]!.rows), broken }
}
