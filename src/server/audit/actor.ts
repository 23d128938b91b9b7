/**
 * @module actor
 * The audit actor of a request, with its name resolved now (a user's email, a key's name), so the
 * log stays readable after the user or key is gone.
 */
import type { Principal } from '../http/principal.js'
import type { DbClient } from '../db/pools.js'
import type { AuditActor } from './audit-writer.js'

export async function resolveActor(client: DbClient, principal: Principal): Promise<AuditActor> {
  switch (principal.kind) {
    case 'user': {
      const result = await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [principal.userId])
      return { type: 'user', id: principal.userId, name: result.rows[0]?.email ?? null }
    }
    case 'api_key':
      return { type: 'api_key', id: principal.keyId, name: principal.name }
    default:
      return { type: 'system', id: null, name: null }
  }
}
