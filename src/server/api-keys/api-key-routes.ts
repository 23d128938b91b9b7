/**
 * @module api-key-routes
 * Handlers of the API-key operations. The key is returned by create and roll only; listings
 * carry its prefix, never the key or its hash. A key may grant only scopes it holds itself, so a
 * `keys:write` key cannot mint (or roll into being) a more powerful one.
 *
 * Rolling makes the successor in the same transaction that ends the old key's life at the close
 * of its grace period: same name, scopes, expiry policy and creator (so it goes with the
 * creator's membership, as the old key did). A key is rolled once; its successor may be rolled
 * in turn. An expired key is not rolled: its successor would revive a key that ended.
 */
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, TenantContext } from '../http/operation-context.js'
import { generateApiKey } from './api-key-format.js'
import { hasExpired, insertApiKey, listApiKeys, lockApiKey, markApiKeyRolled, revokeApiKey, type ApiKeyRow } from './api-key-repository.js'

/** A key as listings show it: prefix, name, scopes, dates; never the key or its hash. */
export function apiKeySummary(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as never,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    expiresInDays: row.lifetime_days,
    rolledAt: row.rolled_at?.toISOString() ?? null,
    successorId: row.successor_id,
  }
}

/** An API key caller may hand out only scopes it holds itself. */
function assertMayGrant(principal: TenantContext['principal'], scopes: readonly string[], doing: string): void {
  if (principal.kind !== 'api_key') return
  const beyond = scopes.filter((scope) => !principal.scopes.includes(scope as never))
  if (beyond.length > 0) throw problems.forbidden(`an API key cannot ${doing} scopes it does not hold: ${beyond.join(', ')}`)
}

/** The answer that carries a new key, the only one that ever does. */
/** A new key stored in the tenant (only its hash): the row, and the key itself to show once. */
async function issueApiKey(
  tenant: TenantContext['tenant'],
  key: Pick<Parameters<typeof insertApiKey>[1], 'name' | 'scopes' | 'createdBy' | 'lifetimeDays'>,
) {
  const generated = generateApiKey()
  const row = await insertApiKey(tenant.client, { tenantId: tenant.id, prefix: generated.prefix, hash: generated.hash, ...key })
  return { row, generated }
}

function newKeyAnswer(row: ApiKeyRow, key: string) {
  return {
    id: row.id,
    key,
    prefix: row.prefix,
    name: row.name,
    scopes: row.scopes as never,
    expiresAt: row.expires_at?.toISOString() ?? null,
  }
}

export const apiKeyHandlers = {
  async listApiKeys({ tenant }) {
    return { items: (await listApiKeys(tenant.client, tenant.id)).map(apiKeySummary) }
  },

  async createApiKey({ tenant, principal, meta }, input) {
    const scopes = [...new Set(input.scopes)]
    assertMayGrant(principal, scopes, 'grant')
    const { row, generated } = await issueApiKey(tenant, {
      name: input.name,
      scopes,
      createdBy: principal.kind === 'user' ? principal.userId : null,
      lifetimeDays: input.expiresInDays,
    })
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'api_key.created',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'api_key', id: row.id, name: row.name },
      request: meta,
      metadata: { prefix: row.prefix, scopes, expiresInDays: row.lifetime_days, expiresAt: row.expires_at?.toISOString() ?? null },
    })
    return newKeyAnswer(row, generated.key)
  },

  async rollApiKey({ tenant, principal, meta }, input) {
    const old = await lockApiKey(tenant.client, tenant.id, input.keyId)
    if (!old) throw problems.notFound()
    if (old.successor_id)
      throw problems.conflict(`this key was already rolled at ${old.rolled_at!.toISOString()}: roll its successor instead`)
    if (hasExpired(old)) throw problems.conflict(`this key expired at ${old.expires_at!.toISOString()}: create a new key instead`)
    assertMayGrant(principal, old.scopes, 'roll a key with')
    const { row: successor, generated } = await issueApiKey(tenant, {
      name: old.name,
      scopes: old.scopes,
      createdBy: old.created_by,
      lifetimeDays: old.lifetime_days,
    })
    const rolled = await markApiKeyRolled(tenant.client, tenant.id, old.id, successor.id, input.graceHours)
    const validUntil = rolled.expires_at!.toISOString()
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'api_key.rolled',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'api_key', id: old.id, name: old.name },
      request: meta,
      metadata: {
        prefix: old.prefix,
        successorId: successor.id,
        successorPrefix: successor.prefix,
        graceHours: input.graceHours,
        validUntil,
        successorExpiresAt: successor.expires_at?.toISOString() ?? null,
      },
    })
    return { ...newKeyAnswer(successor, generated.key), replaced: { id: old.id, validUntil } }
  },

  async deleteApiKey({ tenant, principal, meta }, input) {
    const row = await revokeApiKey(tenant.client, tenant.id, input.keyId)
    if (!row) throw problems.notFound()
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'api_key.deleted',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'api_key', id: row.id, name: row.name },
      request: meta,
      metadata: { prefix: row.prefix },
    })
  },
} satisfies DomainHandlers
