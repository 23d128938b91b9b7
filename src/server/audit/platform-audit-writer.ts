/**
 * @module platform-audit-writer
 * Appends a row to the platform audit log (migration 0011): operators' reads of data about the
 * platform rather than one tenant's content. Like a tenant's log it is one hash chain, appended
 * only through `append_platform_audit`, a SECURITY DEFINER function that reads the clock under
 * the chain head's lock; the caller gives no time and no tenant.
 */
import type { PlatformAuditAction } from '@shared/audit-actions.js'
import type { DbClient } from '../db/pools.js'
import type { AuditActor, AuditRequestMeta, AuditTarget, WrittenAuditRow } from './audit-writer.js'
import { actorTargetRequestArguments, jsonWithoutNul } from './audit-writer.js'

export interface PlatformAuditEvent {
  /** A name of the platform catalogue (src/shared/audit-actions.ts): no free strings. */
  action: PlatformAuditAction
  actor: AuditActor
  target?: AuditTarget
  request?: AuditRequestMeta
  /** The operator's stated reason; null where none is asked (a tenant lookup). */
  reason?: string | null
  metadata?: Record<string, unknown>
}

const appendCall =
  'SELECT audit_id AS id, audit_seq AS seq, audit_at AS at FROM append_platform_audit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)'

export async function writePlatformAudit(client: DbClient, event: PlatformAuditEvent): Promise<WrittenAuditRow> {
  const result = await client.query<WrittenAuditRow>(appendCall, [
    event.action,
    ...actorTargetRequestArguments(event),
    jsonWithoutNul(event.metadata),
  ])
  return result.rows[0]!
}
