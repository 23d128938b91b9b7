/**
 * The permission matrix, table-driven: every tenant route of the router × every tenant role,
 * an outsider, an API key of each scope and another tenant's key. The expected answer comes
 * from src/shared/permissions.ts, so the test and the server read the same table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiBasePath, operations, type OperationDefinition } from '../../../src/shared/contract.js'
import { apiKeyScopes, roleAllows, scopesAllow, tenantRoles, type TenantAction, type TenantRole } from '../../../src/shared/permissions.js'
import { discoverRoutes } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { createUser, useTestServer, type ApiClient } from '../../support/test-server.js'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
/** A real identity provider: configuring single sign-on discovers its issuer. */
let provider: TestProvider

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'matrix')
  provider = await startTestProvider({ redirectUri: `${server().url}/api/v1/auth/sso/callback`, accounts: {} })
})

afterAll(async () => {
  await provider?.close()
})

const ssoSettings = () => ({
  issuer: provider.issuer,
  clientId: provider.clientId,
  clientSecret: provider.clientSecret,
  allowedDomains: ['matrix-a.test'],
  defaultRole: 'viewer',
  requireSso: false,
})

const tenantOperations = Object.entries(operations).filter(([, operation]) => operation.access === 'tenant') as Array<
  [string, OperationDefinition]
>

/** A valid request for each tenant operation: authorization is checked after input validation. */
async function exampleRequest(name: string): Promise<{ path: string; body?: unknown }> {
  const base = `/tenants/${world.tenantA}`
  switch (name) {
    case 'getTenant':
    case 'deleteTenant':
      return { path: base }
    case 'updateTenant':
      return { path: base, body: { name: 'Matrix A' } }
    case 'listMembers':
      return { path: `${base}/members` }
    case 'listApiKeys':
      return { path: `${base}/api-keys` }
    case 'createApiKey':
      return { path: `${base}/api-keys`, body: { name: 'matrix key', scopes: ['keys:write'] } }
    case 'deleteApiKey': {
      const created = await world.clients.owner.request<{ id: string }>('POST', `${base}/api-keys`, {
        body: { name: 'to delete', scopes: ['tenant:read'] },
      })
      return { path: `${base}/api-keys/${created.body.id}` }
    }
    case 'rollApiKey': {
      const created = await world.clients.owner.request<{ id: string }>('POST', `${base}/api-keys`, {
        // keys:write only, so a keys:write key may roll it (a key may not roll one with scopes it lacks).
        body: { name: 'to roll', scopes: ['keys:write'] },
      })
      return { path: `${base}/api-keys/${created.body.id}/roll`, body: { graceHours: 24 } }
    }
    case 'addMember':
      return { path: `${base}/members`, body: { email: `invitee-${crypto.randomUUID()}@example.test`, role: 'viewer' } }
    case 'updateMember':
      return { path: `${base}/members/${await throwawayMember()}`, body: { role: 'member' } }
    case 'removeMember':
      return { path: `${base}/members/${await throwawayMember()}` }
    case 'listIntegrations':
      return { path: `${base}/integrations` }
    case 'connectIntegration':
      return { path: `${base}/integrations`, body: { provider: 'github', label: 'matrix', secret: 'ghp_matrix' } }
    case 'disconnectIntegration': {
      const created = await world.clients.owner.request<{ id: string }>('POST', `${base}/integrations`, {
        body: { provider: 'jira', label: 'to remove', secret: 'x' },
      })
      return { path: `${base}/integrations/${created.body.id}` }
    }
    case 'listAuditLogs':
      return { path: `${base}/audit-logs?limit=5` }
    case 'exportAuditLogs':
      return { path: `${base}/audit-logs.csv?action=api_key.created` }
    case 'listAuditSubjects':
      return { path: `${base}/audit-logs/subjects?role=actor&limit=5` }
    case 'getQuotas':
      return { path: `${base}/quotas` }
    case 'recordAiUsage':
      return { path: `${base}/ai/usage`, body: { tokens: 10, model: 'matrix' } }
    case 'listInvitations':
      return { path: `${base}/invitations` }
    case 'revokeInvitation': {
      const invited = await world.clients.owner.request<{ invitation: { id: string } }>('POST', `${base}/members`, {
        body: { email: `revokee-${crypto.randomUUID()}@example.test`, role: 'viewer' },
      })
      return { path: `${base}/invitations/${invited.body.invitation.id}` }
    }
    case 'resendInvitation': {
      const invited = await world.clients.owner.request<{ invitation: { id: string } }>('POST', `${base}/members`, {
        body: { email: `resent-${crypto.randomUUID()}@example.test`, role: 'viewer' },
      })
      return { path: `${base}/invitations/${invited.body.invitation.id}/resend` }
    }
    case 'leaveTenant':
      return { path: `${base}/members/me` }
    case 'getTenantSso':
      return { path: `${base}/sso` }
    case 'putTenantSso':
      return { path: `${base}/sso`, body: ssoSettings() }
    case 'deleteTenantSso': {
      const configured = await world.clients.owner.request('PUT', `${base}/sso`, { body: ssoSettings() })
      if (configured.status !== 200) throw new Error(`single sign-on could not be configured: ${configured.text}`)
      return { path: `${base}/sso` }
    }
    default:
      throw new Error(`no example request for ${name}: add one to the permission matrix test`)
  }
}

/** A viewer of tenant A created for one call, so changing or removing it costs nothing. */
async function throwawayMember(): Promise<string> {
  const userId = await createUser(database(), { email: `throwaway-${crypto.randomUUID()}@example.test`, password: 'throwaway password' })
  await withTenant(database().pools.app, world.tenantA, (client) =>
    client.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')", [world.tenantA, userId]),
  )
  return userId
}

function successStatus(operation: OperationDefinition): number {
  return operation.successStatus ?? 200
}

async function call(client: ApiClient, operation: OperationDefinition, name: string, auth?: string, role?: TenantRole): Promise<number> {
  const example = await exampleRequest(name)
  const answer = await client.request(operation.method, example.path, { body: example.body, ...(auth ? { auth } : {}) })
  if (name === 'leaveTenant' && answer.status === 204 && role) {
    // Rejoin, so the rows after this one still find every role in the tenant.
    await withTenant(database().pools.app, world.tenantA, (db) =>
      db.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [world.tenantA, world.userIds[role], role]),
    )
  }
  return answer.status
}

/** What a role gets: the matrix decides, except that the last owner may not leave (409). */
function expectedForRole(name: string, operation: OperationDefinition, role: TenantRole): number {
  if (!roleAllows(role, operation.permission as TenantAction)) return 403
  return name === 'leaveTenant' && role === 'owner' ? 409 : successStatus(operation)
}

describe('permission matrix', () => {
  it('covers every tenant route of the router', () => {
    const routed = discoverRoutes(server().app)
      .filter((route) => route.path.startsWith(`${apiBasePath}/tenants/:tenantId`))
      .map((route) => `${route.method} ${route.path}`)
      .sort()
    const declared = tenantOperations.map(([, operation]) => `${operation.method} ${apiBasePath}${operation.path}`).sort()
    expect(routed).toEqual(declared)
  })

  // Destructive calls by permitted callers would remove what later rows need: delete the tenant last.
  const ordered = [...tenantOperations].sort(([a], [b]) => Number(a === 'deleteTenant') - Number(b === 'deleteTenant'))

  for (const [name, operation] of ordered) {
    const action = operation.permission as TenantAction
    describe(`${operation.method} ${operation.path} (${action})`, () => {
      for (const scope of apiKeyScopes) {
        it(`API key with ${scope} → ${scopesAllow([scope], action) ? successStatus(operation) : 403}`, async () => {
          const status = await call(world.clients.outsider, operation, name, `Bearer ${world.keys[scope]}`)
          expect(status).toBe(scopesAllow([scope], action) ? successStatus(operation) : 403)
        })
      }

      it("another tenant's API key with every scope → 404", async () => {
        expect(await call(world.clients.outsider, operation, name, `Bearer ${world.keyB}`)).toBe(404)
      })

      it('a signed-in user of no tenant → 404', async () => {
        expect(await call(world.clients.outsider, operation, name)).toBe(404)
      })

      it("tenant B's owner → 404", async () => {
        expect(await call(world.ownerB, operation, name)).toBe(404)
      })

      for (const role of [...tenantRoles].reverse()) {
        it(`${role} → ${expectedForRole(name, operation, role)}`, async () => {
          expect(await call(world.clients[role], operation, name, undefined, role)).toBe(expectedForRole(name, operation, role))
        })
      }
    })
  }

  it('a platform admin without a membership gets nothing inside a tenant', async () => {
    const admin = await database().admin()
    await admin.query('UPDATE limena.users SET is_platform_admin = true WHERE id = $1', [world.userIds.outsider])
    await admin.end()
    const answer = await world.clients.outsider.request('GET', `/tenants/${world.tenantB}/members`)
    expect(answer.status).toBe(404)
  })
})
