/**
 * @module tenant-routes
 * Handlers of the tenant operations: list, create (the caller becomes owner), read, update
 * (audited with before/after), soft delete (owner only, by the matrix).
 */
import { randomUUID } from 'node:crypto'
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import { isUniqueViolation } from '../db/pg-errors.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { insertMembership } from '../members/member-repository.js'
import {
  findTenant,
  insertDefaultQuota,
  insertTenant,
  listTenantsOfUser,
  softDeleteTenant,
  tenantToApi,
  updateTenant,
} from './tenant-repository.js'

const slugTaken = () => problems.conflict('that slug is already taken')

export const tenantHandlers = {
  async listTenants({ deps, principal }) {
    const rows = await inTransaction(deps.pools.app, { userId: principal.userId, readOnly: true }, (client) =>
      listTenantsOfUser(client, principal.userId),
    )
    // A session from a tenant's single sign-on reaches that tenant only, and shows no other.
    const scope = principal.origin.sso?.tenantId ?? null
    return { items: rows.filter((row) => scope === null || row.id === scope).map((row) => ({ ...tenantToApi(row), role: row.role })) }
  },

  async createTenant({ deps, principal, meta }, input) {
    const tenantId = randomUUID()
    try {
      const tenant = await withTenant(
        deps.pools.app,
        tenantId,
        async (client) => {
          const row = await insertTenant(client, { id: tenantId, name: input.name, slug: input.slug })
          await insertMembership(client, { tenantId, userId: principal.userId, role: 'owner' })
          await insertDefaultQuota(client, tenantId)
          await writeAudit(client, {
            tenantId,
            action: 'tenant.created',
            actor: await resolveActor(client, principal),
            target: { type: 'tenant', id: tenantId, name: row.name },
            request: meta,
            metadata: { slug: row.slug },
          })
          return row
        },
        { userId: principal.userId },
      )
      return { ...tenantToApi(tenant), role: 'owner' as const }
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken()
      throw error
    }
  },

  async getTenant({ tenant }) {
    const row = await findTenant(tenant.client, tenant.id)
    if (!row) throw problems.notFound()
    return tenantToApi(row)
  },

  async updateTenant({ tenant, principal, meta }, input) {
    const before = await findTenant(tenant.client, tenant.id)
    if (!before) throw problems.notFound()
    let after
    try {
      after = await updateTenant(tenant.client, tenant.id, { name: input.name, slug: input.slug })
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken()
      throw error
    }
    if (!after) throw problems.notFound()
    const changes: Record<string, { before: unknown; after: unknown }> = {}
    if (before.name !== after.name) changes.name = { before: before.name, after: after.name }
    if (before.slug !== after.slug) changes.slug = { before: before.slug, after: after.slug }
    if (Object.keys(changes).length > 0) {
      await writeAudit(tenant.client, {
        tenantId: tenant.id,
        action: 'tenant.updated',
        actor: await resolveActor(tenant.client, principal),
        target: { type: 'tenant', id: tenant.id, name: after.name },
        request: meta,
        changes,
      })
    }
    return tenantToApi(after)
  },

  async deleteTenant({ tenant, principal, meta }) {
    const row = await findTenant(tenant.client, tenant.id)
    if (!row || !(await softDeleteTenant(tenant.client, tenant.id))) throw problems.notFound()
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'tenant.deleted',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'tenant', id: tenant.id, name: row.name },
      request: meta,
    })
  },
} satisfies DomainHandlers
