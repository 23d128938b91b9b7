/**
 * @module operator-access
 * Access transparency for operator requests. Every operator read is one of two kinds, and both
 * read once, in one REPEATABLE READ snapshot on the limena_readonly pool; commit their record
 * with the operator's stated reason; and only then show what they read. If the record cannot be
 * written, nothing is shown.
 *
 * - `auditedOperatorRead`, a read of tenants' content (one tenant in detail, audit logs): an
 *   `operator.read` row goes into the log of each tenant whose data that read found. Deciding the
 *   tenants by a separate, earlier read would miss a tenant whose rows were written in between;
 *   here the tenants recorded are those of the very result shown.
 * - `platformOperatorRead`, a read of data about the platform (the tenant directory, usage
 *   across tenants, the posture, the access log, the platform audit log): one row in the
 *   platform audit log, whatever the answer names.
 */
import type { PlatformAuditAction } from '@shared/audit-actions.js'
import type { AuditActor } from '../audit/audit-writer.js'
import { writeAuditToTenants } from '../audit/audit-writer.js'
import { writePlatformAudit } from '../audit/platform-audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { inTransaction } from '../db/with-tenant.js'
import type { OperatorContext } from '../http/operation-context.js'

export interface OperatorCall {
  context: OperatorContext
  actor: AuditActor
  reason: string
}

/** The operator call of a context the router has proved: who reads, and the reason they gave. */
export function operatorCall(context: OperatorContext): OperatorCall {
  return { context, actor: context.operator.actor, reason: context.operator.reason }
}

/** The route of an operator request, as its records name it. */
function routeOf(call: OperatorCall): string {
  return `${call.context.request.method} ${call.context.request.path}`
}

/** What one operator read found: the tenants whose data it shows, and how to show it. */
export interface OperatorReadResult<T> {
  tenantIds: Iterable<string>
  /**
   * Runs after the `operator.read` rows are committed, in the read's own transaction and
   * snapshot: a streamed answer (the CSV export) sees exactly the rows the tenants were found in.
   */
  show(): T | Promise<T>
}

/** A result already in hand, shown as it is. */
export function readResult<T>(answer: T, tenantIds: Iterable<string>): OperatorReadResult<T> {
  return { tenantIds, show: () => answer }
}

// Sent with BEGIN, before the first query takes the snapshot, so every statement of the read
// (and the stream that shows it) sees the database at one instant.
const oneSnapshot = 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ'

/** Commits one `operator.read` row per tenant, naming what is read; a failure here shows nothing. */
async function recordOperatorRead(call: OperatorCall, tenantIds: readonly string[], what: string): Promise<void> {
  if (tenantIds.length === 0) return
  await inTransaction(call.context.deps.pools.app, {}, (client) =>
    writeAuditToTenants(client, tenantIds, {
      action: 'operator.read',
      actor: call.actor,
      target: { type: 'tenant_data', id: null, name: what },
      request: call.context.meta,
      reason: call.reason,
      metadata: { what, route: routeOf(call) },
    }),
  )
}

/** The one audited operator read: read once, record the tenants of that result, then show it. */
export async function auditedOperatorRead<T>(
  call: OperatorCall,
  what: string,
  read: (client: DbClient) => Promise<OperatorReadResult<T>>,
): Promise<T> {
  return inTransaction(call.context.deps.pools.readonly, { readOnly: true, firstStatement: oneSnapshot }, async (client) => {
    const result = await read(client)
    await recordOperatorRead(call, [...new Set(result.tenantIds)], what)
    return result.show()
  })
}

/** What a platform read found: how to show it (after its row is committed, in its snapshot). */
export interface PlatformReadResult<T> {
  show(): T | Promise<T>
  /** Recorded in the row besides what was read and the route (an export's filters). */
  metadata?: Record<string, unknown>
}

/** A platform read's answer already in hand, shown as it is. */
export function platformResult<T>(answer: T): PlatformReadResult<T> {
  return { show: () => answer }
}

/** Commits one platform audit row for an operator's read; a failure here shows nothing. */
export async function recordPlatformRead(
  call: OperatorCall,
  action: PlatformAuditAction,
  what: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await inTransaction(call.context.deps.pools.app, {}, (appClient) =>
    writePlatformAudit(appClient, {
      action,
      actor: call.actor,
      target: { type: 'platform_data', id: null, name: what },
      request: call.context.meta,
      reason: call.reason,
      metadata: { what, route: routeOf(call), ...metadata },
    }),
  )
}

/** The other audited operator read: read once, commit one platform audit row, then show it. */
export async function platformOperatorRead<T>(
  call: OperatorCall,
  action: PlatformAuditAction,
  what: string,
  read: (client: DbClient) => Promise<PlatformReadResult<T>>,
): Promise<T> {
  return inTransaction(call.context.deps.pools.readonly, { readOnly: true, firstStatement: oneSnapshot }, async (client) => {
    const result = await read(client)
    await recordPlatformRead(call, action, what, result.metadata)
    return result.show()
  })
}
