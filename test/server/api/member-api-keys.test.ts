/**
 * A member's API keys die with the membership and never outrank it, through HTTP: removing or
 * leaving revokes the keys the member created (in the same transaction, audited with the
 * reason); a demotion takes away the scopes the new role lacks, and a key left with none is
 * revoked.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, worldPassword, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
const everyScope = ['tenant:read', 'members:write', 'keys:write', 'integrations:write', 'audit:read', 'ai:write']

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'memberkeys')
})

/** A fresh admin of tenant A, signed in, with one key of every scope and one of keys:write only. */
async function adminWithKeys(
  label: string,
): Promise<{ userId: string; client: ApiClient; fullKey: string; fullKeyId: string; keysOnly: string }> {
  const email = `memberkeys-${label}@example.test`
  const userId = await createUser(database(), { email, password: worldPassword })
  const invited = await world.clients.owner.request<{ invitation: { id: string } }>('POST', `/tenants/${world.tenantA}/members`, {
    body: { email, role: 'admin' },
  })
  const client = new ApiClient(server().url)
  await client.login(email, worldPassword)
  expect((await client.request('POST', `/me/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200)
  const full = await client.request<{ id: string; key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
    body: { name: `${label} full`, scopes: everyScope },
  })
  const keysOnly = await client.request<{ key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
    body: { name: `${label} keys only`, scopes: ['keys:write'] },
  })
  expect(full.status).toBe(201)
  return { userId, client, fullKey: full.body.key, fullKeyId: full.body.id, keysOnly: keysOnly.body.key }
}

const asKey = (key: string, method: string, path: string, body?: unknown) =>
  new ApiClient(server().url).request(method, path, { auth: `Bearer ${key}`, body })

async function keyAudit(keyId: string): Promise<Array<{ action: string; reason: string | null; changes: unknown }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query(
          "SELECT action, reason, changes FROM audit_logs WHERE tenant_id = $1 AND target_type = 'api_key' AND target_id = $2 ORDER BY seq",
          [world.tenantA, keyId],
        )
      ).rows,
  )
}

describe("a member's API keys", () => {
  it('are revoked with the membership when the member is removed', async () => {
    const admin = await adminWithKeys('removed')
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}/members`)).status).toBe(200)
    expect((await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/members/${admin.userId}`)).status).toBe(204)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}/members`)).status).toBe(401)
    expect(
      (await asKey(admin.fullKey, 'POST', `/tenants/${world.tenantA}/api-keys`, { name: 'escape hatch', scopes: ['tenant:read'] })).status,
    ).toBe(401)
    expect((await asKey(admin.keysOnly, 'GET', `/tenants/${world.tenantA}/api-keys`)).status).toBe(401)
    expect(await keyAudit(admin.fullKeyId)).toContainEqual(
      expect.objectContaining({ action: 'api_key.deleted', reason: 'its creator was removed from the tenant' }),
    )
  })

  it('are revoked when the member leaves', async () => {
    const admin = await adminWithKeys('leaving')
    expect((await admin.client.request('DELETE', `/tenants/${world.tenantA}/members/me`)).status).toBe(204)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}`)).status).toBe(401)
    expect(await keyAudit(admin.fullKeyId)).toContainEqual(
      expect.objectContaining({ action: 'api_key.deleted', reason: 'its creator left the tenant' }),
    )
  })

  it('lose the scopes a demotion takes away, and a key left with none is revoked', async () => {
    const admin = await adminWithKeys('demoted')
    expect(
      (await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}/members/${admin.userId}`, { body: { role: 'member' } }))
        .status,
    ).toBe(200)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}/members`)).status).toBe(200)
    expect((await asKey(admin.fullKey, 'POST', `/tenants/${world.tenantA}/ai/usage`, { tokens: 1 })).status).toBe(200)
    expect(
      (await asKey(admin.fullKey, 'POST', `/tenants/${world.tenantA}/members`, { email: 'smuggled@example.test', role: 'admin' })).status,
    ).toBe(403)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}/audit-logs`)).status).toBe(403)
    expect((await asKey(admin.keysOnly, 'GET', `/tenants/${world.tenantA}/api-keys`)).status).toBe(401)
    const me = await asKey(admin.fullKey, 'GET', '/me')
    expect((me.body as { scopes: string[] }).scopes.sort()).toEqual(['ai:write', 'tenant:read'])
    expect(await keyAudit(admin.fullKeyId)).toContainEqual(
      expect.objectContaining({
        action: 'api_key.scopes_reduced',
        reason: "its creator's role is now member",
        changes: { scopes: { before: everyScope, after: ['tenant:read', 'ai:write'] } },
      }),
    )

    expect(
      (await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}/members/${admin.userId}`, { body: { role: 'viewer' } }))
        .status,
    ).toBe(200)
    expect((await asKey(admin.fullKey, 'POST', `/tenants/${world.tenantA}/ai/usage`, { tokens: 1 })).status).toBe(403)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}`)).status).toBe(200)
  })

  it('keep working when the member is promoted or another member changes', async () => {
    const admin = await adminWithKeys('steady')
    expect(
      (await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}/members/${admin.userId}`, { body: { role: 'owner' } })).status,
    ).toBe(200)
    expect(
      (
        await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}/members/${world.userIds.viewer}`, {
          body: { role: 'member' },
        })
      ).status,
    ).toBe(200)
    expect((await asKey(admin.fullKey, 'GET', `/tenants/${world.tenantA}/audit-logs`)).status).toBe(200)
  })
})
