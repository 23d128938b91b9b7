/**
 * @module member-keys
 * A member's API keys never outlive or outrank the membership: when a member is removed or
 * leaves, the keys they created in the tenant are revoked; when demoted, the keys lose the
 * scopes the new role lacks (a key left with none is revoked). Both happen in the membership
 * change's own transaction and are audited with the reason, so a removed admin's key cannot
 * keep reading members or minting keys.
 */
import { scopesAllowedFor, type TenantRole } from '@shared/permissions.js'
import { writeAudit, type AuditActor, type AuditRequestMeta } from '../audit/audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { listKeysCreatedBy, revokeApiKey, setApiKeyScopes, type ApiKeyRow } from './api-key-repository.js'

export interface MemberKeyChange {
  client: DbClient
  tenantId: string
  actor: AuditActor
  meta: AuditRequestMeta
}

async function revokeWithReason(change: MemberKeyChange, key: ApiKeyRow, reason: string): Promise<void> {
  if (!(await revokeApiKey(change.client, change.tenantId, key.id))) return
  await writeAudit(change.client, {
    tenantId: change.tenantId,
    action: 'api_key.deleted',
    actor: change.actor,
    target: { type: 'api_key', id: key.id, name: key.name },
    request: change.meta,
    reason,
    metadata: { prefix: key.prefix, cause: 'membership_ended' },
  })
}

/** Revokes every live key `userId` created in the tenant; returns how many. */
export async function revokeKeysOfMember(change: MemberKeyChange, userId: string, reason: string): Promise<number> {
  const keys = await listKeysCreatedBy(change.client, change.tenantId, userId)
  for (const key of keys) await revokeWithReason(change, key, reason)
  return keys.length
}

/** Takes from `userId`'s keys the scopes `role` may not hold; a key left with none is revoked. */
export async function narrowKeysOfMember(change: MemberKeyChange, userId: string, role: TenantRole): Promise<void> {
  const allowed = new Set<string>(scopesAllowedFor(role))
  for (const key of await listKeysCreatedBy(change.client, change.tenantId, userId)) {
    const kept = key.scopes.filter((scope) => allowed.has(scope))
    if (kept.length === key.scopes.length) continue
    const reason = `its creator's role is now ${role}`
    if (kept.length === 0) {
      await revokeWithReason(change, key, reason)
      continue
    }
    await setApiKeyScopes(change.client, change.tenantId, key.id, kept)
    await writeAudit(change.client, {
      tenantId: change.tenantId,
      action: 'api_key.scopes_reduced',
      actor: change.actor,
      target: { type: 'api_key', id: key.id, name: key.name },
      request: change.meta,
      reason,
      changes: { scopes: { before: key.scopes, after: kept } },
      metadata: { prefix: key.prefix },
    })
  }
}
