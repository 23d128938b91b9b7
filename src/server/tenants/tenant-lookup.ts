/**
 * @module tenant-lookup
 * A tenant by id or slug (a link or a pasted reference), for a signed-in user who may see it: a
 * member of it finds it as a member, with nothing recorded; a platform operator who is not finds
 * any live tenant, and that lookup is a `platform.tenant_lookup` row in the platform audit log
 * (with no reason: it names the tenant before the console asks why). Everyone else, an unknown
 * reference and a deleted tenant are answered 404 alike.
 */
import { writePlatformAudit } from '../audit/platform-audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { inTransaction } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface FoundTenant {
  id: string
  name: string
  slug: string
}

/** The live tenant `ref` names (its id, or its slug in any case), among those `client`'s role may see. */
async function findLiveTenant(client: DbClient, ref: string, memberId: string | null): Promise<FoundTenant | null> {
  const result = await client.query<FoundTenant>(
    `SELECT t.id, t.name, t.slug FROM tenants t
      WHERE (t.id = $1::uuid OR t.slug = $2) AND t.deleted_at IS NULL
        AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = t.id AND m.user_id = $3::uuid))`,
    [uuidPattern.test(ref) ? ref : null, ref.toLowerCase(), memberId],
  )
  return result.rows[0] ?? null
}

export const tenantLookupHandlers = {
  async lookupTenant({ deps, principal, meta, request }, input) {
    const { asMember, operatorEmail } = await inTransaction(
      deps.pools.app,
      { userId: principal.userId, readOnly: true },
      async (client) => ({
        asMember: await findLiveTenant(client, input.ref, principal.userId),
        operatorEmail:
          (
            await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1 AND is_platform_admin AND disabled_at IS NULL', [
              principal.userId,
            ])
          ).rows[0]?.email ?? null,
      }),
    )
    // A session from a tenant's single sign-on reaches that tenant only: no other, even an operator's.
    const scope = principal.origin.sso?.tenantId ?? null
    if (scope !== null) {
      if (asMember?.id === scope) return asMember
      throw problems.notFound()
    }
    if (asMember) return asMember
    if (operatorEmail === null) throw problems.notFound()
    const found = await inTransaction(deps.pools.readonly, { readOnly: true }, (client) => findLiveTenant(client, input.ref, null))
    // Recorded before it is answered, found or not: a miss also tells the operator something.
    await inTransaction(deps.pools.app, {}, (client) =>
      writePlatformAudit(client, {
        action: 'platform.tenant_lookup',
        actor: { type: 'operator', id: principal.userId, name: operatorEmail },
        target: found ? { type: 'tenant', id: found.id, name: found.name } : undefined,
        request: meta,
        reason: null,
        metadata: { what: 'tenant lookup', ref: input.ref, found: found !== null, route: `${request.method} ${request.path}` },
      }),
    )
    if (!found) throw problems.notFound()
    return found
  },
} satisfies DomainHandlers
