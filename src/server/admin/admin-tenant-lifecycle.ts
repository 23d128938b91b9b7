/**
 * @module admin-tenant-lifecycle
 * Operators suspend, restore and delete a tenant. Each runs as limena_maintenance inside that
 * tenant, with an `operator.write` row and the domain event (tenant.suspended, tenant.restored,
 * tenant.deleted) carrying the operator's reason, in the same transaction as the change. A
 * suspended tenant keeps everything; the tenant step of the router refuses its members and keys.
 */
import { writeAudit } from '../audit/audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { withMaintenance, withOperatorRead } from '../db/with-operator.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, OperatorContext } from '../http/operation-context.js'
import { adminTenantSummary } from './admin-tenant-routes.js'
import { operatorCall } from './operator-access.js'

interface LifecycleRow {
  name: string
  slug: string
  suspended_at: Date | null
}

async function lockTenant(client: DbClient, tenantId: string): Promise<LifecycleRow> {
  const row = (
    await client.query<LifecycleRow>('SELECT name, slug, suspended_at FROM tenants WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [
      tenantId,
    ])
  ).rows[0]
  if (!row) throw problems.notFound('no such tenant')
  return row
}

type LifecycleAction = 'tenant.suspended' | 'tenant.restored' | 'tenant.deleted'

/** The change, its operator.write row and its domain event, in one transaction inside the tenant. */
async function changeTenant(
  context: OperatorContext,
  tenantId: string,
  action: LifecycleAction,
  change: (client: DbClient, tenant: LifecycleRow) => Promise<void>,
): Promise<void> {
  const call = operatorCall(context)
  await withMaintenance(context.deps.pools, tenantId, async (client) => {
    const tenant = await lockTenant(client, tenantId)
    const target = { type: 'tenant', id: tenantId, name: tenant.name }
    await writeAudit(client, {
      tenantId,
      action: 'operator.write',
      actor: call.actor,
      target,
      request: context.meta,
      reason: call.reason,
      metadata: {
        what: { 'tenant.suspended': 'suspend tenant', 'tenant.restored': 'restore tenant', 'tenant.deleted': 'delete tenant' }[action],
      },
    })
    await change(client, tenant)
    await writeAudit(client, { tenantId, action, actor: call.actor, target, request: context.meta, reason: call.reason })
  })
}

export const adminTenantLifecycleHandlers = {
  async adminSuspendTenant(context, input) {
    await changeTenant(context, input.tenantId, 'tenant.suspended', async (client, tenant) => {
      if (tenant.suspended_at) throw problems.conflict(`${tenant.name} is already suspended (since ${tenant.suspended_at.toISOString()})`)
      await client.query('UPDATE tenants SET suspended_at = now(), updated_at = now() WHERE id = $1', [input.tenantId])
    })
    return withOperatorRead(context.deps.pools, (client) => adminTenantSummary(client, input.tenantId))
  },

  async adminRestoreTenant(context, input) {
    await changeTenant(context, input.tenantId, 'tenant.restored', async (client, tenant) => {
      if (!tenant.suspended_at) throw problems.conflict(`${tenant.name} is not suspended`)
      await client.query('UPDATE tenants SET suspended_at = NULL, updated_at = now() WHERE id = $1', [input.tenantId])
    })
    return withOperatorRead(context.deps.pools, (client) => adminTenantSummary(client, input.tenantId))
  },

  async adminDeleteTenant(context, input) {
    await changeTenant(context, input.tenantId, 'tenant.deleted', async (client, tenant) => {
      if (tenant.slug !== input.confirmSlug) {
        throw problems.badRequest(`confirmSlug: type the tenant's slug exactly (${tenant.slug}) to delete it`, [
          { path: 'confirmSlug', message: `type the tenant's slug exactly (${tenant.slug}) to delete it` },
        ])
      }
      await client.query('UPDATE tenants SET deleted_at = now(), updated_at = now() WHERE id = $1', [input.tenantId])
    })
  },
} satisfies DomainHandlers
