/**
 * @module audit-writer
 * The one function every mutation and security event calls to write its audit row, on the
 * mutation's own transaction client (tenant already set), so both commit or neither does.
 *
 * Each tenant's rows form a hash chain. The writer first bumps the tenant's chain head, which
 * takes a row lock held to the end of the transaction: concurrent writers of one tenant queue
 * there, so the chain cannot fork. The row's digest covers the previous hash and the row's
 * content, computed by `audit_digest` in the database.
 */
import type { DbClient } from '../db/pools.js'

export const genesisHash = Buffer.alloc(32)

export type ActorType = 'user' | 'api_key' | 'operator' | 'system'

export interface AuditActor {
  type: ActorType
  id: string | null
  /** Resolved at write time, so the log stays readable after the user or key is gone. */
  name: string | null
}

export interface AuditTarget {
  type: string
  id: string | null
  name: string | null
}

export interface AuditRequestMeta {
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

export interface AuditEvent {
  tenantId: string
  action: string
  actor: AuditActor
  target?: AuditTarget
  request?: AuditRequestMeta
  reason?: string
  /** field → {before, after}; never secrets. */
  changes?: Record<string, { before: unknown; after: unknown }>
  metadata?: Record<string, unknown>
}

export interface WrittenAuditRow {
  id: string
  seq: string
  at: Date
}

/** jsonb refuses NUL characters; they are replaced rather than losing the whole event. */
function jsonWithoutNul(value: unknown): string | null {
  if (value === undefined) return null
  return JSON.stringify(value).replace(/\\u0000/g, '\\ufffd')
}

const truncate = (value: string | null | undefined, length: number): string | null => (value == null ? null : value.replaceAll('\u0000', '\ufffd').slice(0, length))

export async function writeAudit(client: DbClient, event: AuditEvent): Promise<WrittenAuditRow> {
  const head = await client.query<{ seq: string; prev_hash: Buffer }>(
    `INSERT INTO audit_chain_heads AS head (tenant_id, seq, hash) VALUES ($1, 1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET seq = head.seq + 1
     RETURNING seq, hash AS prev_hash`,
    [event.tenantId, genesisHash],
  )
  const { seq, prev_hash: previousHash } = head.rows[0]!
  const written = await client.query<{ id: string; seq: string; at: Date }>(
    `WITH entry AS (
       INSERT INTO audit_logs (tenant_id, seq, at, action, actor_type, actor_id, actor_name, target_type, target_id, target_name,
                               ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash)
       VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, coalesce($15::jsonb, '{}'::jsonb), $16,
               audit_digest($16, $2, $1, now(), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, coalesce($15::jsonb, '{}'::jsonb)))
       RETURNING id, seq, at, hash
     )
     UPDATE audit_chain_heads SET hash = entry.hash FROM entry WHERE audit_chain_heads.tenant_id = $1
     RETURNING entry.id, entry.seq, entry.at`,
    [
      event.tenantId,
      seq,
      event.action,
      event.actor.type,
      event.actor.id,
      truncate(event.actor.name, 320),
      event.target?.type ?? null,
      event.target?.id ?? null,
      truncate(event.target?.name, 320),
      event.request?.ip ?? null,
      truncate(event.request?.userAgent, 512),
      truncate(event.request?.requestId, 128),
      truncate(event.reason, 500),
      jsonWithoutNul(event.changes),
      jsonWithoutNul(event.metadata),
      previousHash,
    ],
  )
  return written.rows[0]!
}

/** Switches the transaction's tenant (transaction-local), to write one event into several tenants' logs atomically. */
export async function switchTenant(client: DbClient, tenantId: string): Promise<void> {
  await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantId])
}
