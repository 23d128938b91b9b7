/**
 * @module operator-access
 * Access transparency for operator requests. Before an operator reads a tenant's data, an
 * `operator.read` row with the operator's stated reason is committed into that tenant's audit
 * log; if that write fails, nothing is read. Reads then run on the limena_readonly pool.
 */
import type { AuditActor } from '../audit/audit-writer.js'
import { writeAuditToTenants } from '../audit/audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { withOperatorRead } from '../db/with-operator.js'
import { inTransaction } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { OperationContext } from '../http/operation-router.js'

export interface OperatorCall {
  context: OperationContext
  actor: AuditActor
  reason: string
}

export async function operatorCall(context: OperationContext): Promise<OperatorCall> {
  const { principal, deps, accessReason } = context
  if (principal.kind !== 'user' || !accessReason) throw problems.forbidden('this operation is for platform operators')
  const email = await inTransaction(deps.pools.app, { readOnly: true }, async (client) =>
    (await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [principal.userId])).rows[0]?.email ?? null,
  )
  return { context, actor: { type: 'operator', id: principal.userId, name: email }, reason: accessReason }
}

/** Commits one `operator.read` row per affected tenant, naming what is read. */
export async function recordOperatorRead(call: OperatorCall, tenantIds: readonly string[], what: string): Promise<void> {
  if (tenantIds.length === 0) return
  await inTransaction(call.context.deps.pools.app, {}, (client) =>
    writeAuditToTenants(client, tenantIds, {
      action: 'operator.read',
      actor: call.actor,
      target: { type: 'tenant_data', id: null, name: what },
      request: call.context.meta,
      reason: call.reason,
      metadata: { what, route: `${call.context.request.method} ${call.context.request.path}` },
    }),
  )
}

/** The audited read: find the affected tenants, record the access in each, then read. */
export async function auditedOperatorRead<T>(
  call: OperatorCall,
  what: string,
  affectedTenants: (client: DbClient) => Promise<string[]>,
  read: (client: DbClient, tenantIds: string[]) => Promise<T>,
): Promise<T> {
  const pools = call.context.deps.pools
  const tenantIds = await withOperatorRead(pools, affectedTenants)
  await recordOperatorRead(call, tenantIds, what)
  return withOperatorRead(pools, (client) => read(client, tenantIds))
}
