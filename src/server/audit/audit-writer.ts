/**
 * @module audit-writer
 * The one function every mutation and security event calls to write its audit row, on the
 * mutation's own transaction client (tenant already set), so both commit or neither does.
 *
 * Each tenant's rows form a hash chain. Appending first bumps the tenant's chain head, which
 * takes a row lock held to the end of the transaction: concurrent writers of one tenant queue
 * there, so the chain cannot fork. The row's digest covers the previous hash and the row's
 * content, computed by `audit_digest` in the database. Batches to many tenants are sorted by
 * tenant id, so two batches lock chain heads in the same order and cannot deadlock.
 *
 * `append_audit` is the only way in (migration 0009): a SECURITY DEFINER function of a role that
 * cannot log in, while limena_app and limena_maintenance may only read the log and its heads. It
 * takes no time from the caller: the row's time is read from the clock under the head's lock and
 * is never before the previous row's, so time never goes back along a chain.
 */
import type { DbClient } from '../db/pools.js'
import type { AuditAction } from '@shared/audit-actions.js'
import type { RequestMeta } from '../http/operation-context.js'

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

/** Where the request came from: the router's request meta. */
export type AuditRequestMeta = RequestMeta

export interface AuditEvent {
  tenantId: string
  /** A name of the catalogue (src/shared/audit-actions.ts): no free strings. */
  action: AuditAction
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
export function jsonWithoutNul(value: unknown): string | null {
  if (value === undefined) return null
  return JSON.stringify(value).replace(/\\u0000/g, '\\ufffd')
}

/** A text column's value: NUL replaced (text refuses it too), cut to the column's length. */
export const auditText = (value: string | null | undefined, length: number): string | null =>
  value == null ? null : value.replaceAll('\u0000', '\ufffd').slice(0, length)

/** Who acted, on what, from where and why: the arguments both audit append functions take in this order. */
export function actorTargetRequestArguments(
  event: Pick<AuditEvent, 'actor' | 'target' | 'request'> & { reason?: string | null },
): unknown[] {
  return [
    event.actor.type,
    event.actor.id,
    auditText(event.actor.name, 320),
    event.target?.type ?? null,
    event.target?.id ?? null,
    auditText(event.target?.name, 320),
    event.request?.ip ?? null,
    auditText(event.request?.userAgent, 512),
    auditText(event.request?.requestId, 128),
    auditText(event.reason, 500),
  ]
}

function auditArguments(event: AuditEvent): unknown[] {
  return [
    event.tenantId,
    event.action,
    ...actorTargetRequestArguments(event),
    jsonWithoutNul(event.changes),
    jsonWithoutNul(event.metadata),
  ]
}

const appendCall =
  'SELECT audit_id AS id, audit_seq AS seq, audit_at AS at FROM append_audit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb)'

/**
 * Appends one row to the tenant's chain (in append_audit, migration 0009): bump the chain head
 * (row lock), read the clock, digest, insert, move the head. The transaction's tenant setting is
 * left as it was.
 */
export async function writeAudit(client: DbClient, event: AuditEvent): Promise<WrittenAuditRow> {
  const result = await client.query<WrittenAuditRow>(appendCall, auditArguments(event))
  return result.rows[0]!
}

/** One event into several tenants' logs, on one transaction (operator reads across tenants). */
export async function writeAuditToTenants(
  client: DbClient,
  tenantIds: readonly string[],
  event: Omit<AuditEvent, 'tenantId'>,
): Promise<number> {
  const unique = [...new Set(tenantIds)].sort()
  if (unique.length === 0) return 0
  const [, ...rest] = auditArguments({ ...event, tenantId: unique[0]! })
  const result = await client.query(
    `SELECT append_audit(tenant_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb) FROM unnest($1::uuid[]) AS tenant_id`,
    [unique, ...rest],
  )
  return result.rowCount ?? 0
}

/** Switches the transaction's tenant (transaction-local), to write one event into several tenants' logs atomically. */
export async function switchTenant(client: DbClient, tenantId: string): Promise<void> {
  await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantId])
}
