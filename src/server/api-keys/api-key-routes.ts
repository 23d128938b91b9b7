/**
 * @module api-key-routes
 * Handlers of the API-key operations. The key is returned by create only; listings carry its
 * prefix, never the key or its hash. A key may grant only scopes it holds itself, so a
 * `keys:write` key cannot mint a more powerful one.
 */
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { generateApiKey } from './api-key-format.js'
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from './api-key-repository.js'

/** A key as listings show it: prefix, name, scopes, dates; never the key or its hash. */
export function apiKeySummary(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as never,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  }
}

export const apiKeyHandlers = {
  async listApiKeys({ tenant }) {
    return { items: (await listApiKeys(tenant.client, tenant.id)).map(apiKeySummary) }
  },

  async createApiKey({ tenant, principal, meta }, input) {
    const scopes = [...new Set(input.scopes)]
    if (principal.kind === 'api_key') {
      const beyond = scopes.filter((scope) => !principal.scopes.includes(scope))
      if (beyond.length > 0) throw problems.forbidden(`an API key cannot grant scopes it does not hold: ${beyond.join(', ')}`)
    }
    const generated = generateApiKey()
    const row = await insertApiKey(tenant.client, {
      tenantId: tenant.id,
      name: input.name,
      prefix: generated.prefix,
      hash: generated.hash,
      scopes,
      createdBy: principal.kind === 'user' ? principal.userId : null,
    })
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'api_key.created',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'api_key', id: row.id, name: row.name },
      request: meta,
      metadata: { prefix: row.prefix, scopes },
    })
    return { id: row.id, key: generated.key, prefix: row.prefix, name: row.name, scopes: scopes }
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
