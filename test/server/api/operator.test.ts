/**
 * Operator routes through HTTP: platform admins only, X-Access-Reason required, and every read
 * recorded with the reason before any data is shown: a read of tenants' content as an
 * `operator.read` row in each affected tenant's own log, a read about the platform (the
 * directory, usage, posture, access log) as one row of the platform audit log
 * (operator-reads.test.ts proves both for every operator GET); tenant creation with an owner
 * invitation; posture, usage, access log, sessions.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient
let operatorId: string
const reason = 'INC-7 customer reported missing invoices'
const withReason = { 'x-access-reason': reason }

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'ops')
  operatorId = await createUser(database(), { email: 'operator@example.test', password: 'operator password 1', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('operator@example.test', 'operator password 1')
  await world.clients.owner.request('POST', `/tenants/${world.tenantA}/ai/usage`, { body: { tokens: 1234 } })
})

async function operatorRows(
  tenantId: string,
): Promise<Array<{ action: string; reason: string | null; actor_id: string; metadata: { what: string } }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query(
          "SELECT action, reason, actor_id, metadata FROM audit_logs WHERE tenant_id = $1 AND action LIKE 'operator.%' ORDER BY seq",
          [tenantId],
        )
      ).rows,
  )
}

describe('operator routes', () => {
  it('refuse a request without X-Access-Reason (400) and one from a non-admin (403)', async () => {
    const noReason = await operator.request<{ detail: string }>('GET', '/admin/tenants')
    expect(noReason.status).toBe(400)
    expect(noReason.body.detail).toMatch(/X-Access-Reason/)
    expect((await operator.request('GET', '/admin/tenants', { headers: { 'x-access-reason': 'no' } })).status).toBe(400)
    expect((await world.clients.owner.request('GET', '/admin/tenants', { headers: withReason })).status).toBe(403)
    expect(
      (
        await new ApiClient(server().url).request('GET', '/admin/tenants', {
          headers: withReason,
          auth: `Bearer ${world.keys['tenant:read']}`,
        })
      ).status,
    ).toBe(403)
    expect(await operatorRows(world.tenantA)).toEqual([])
  })

  it('list every tenant, and record the read with its reason once, in the platform audit log, not in any tenant', async () => {
    const requestId = `ops-directory-${crypto.randomUUID()}`
    const listing = await operator.request<{ items: Array<{ id: string; memberCount: number; monthTokens: number; state: string }> }>(
      'GET',
      '/admin/tenants?limit=200',
      { headers: { ...withReason, 'x-request-id': requestId } },
    )
    expect(listing.status).toBe(200)
    const tenantA = listing.body.items.find((item) => item.id === world.tenantA)
    expect(tenantA).toMatchObject({ memberCount: 4, monthTokens: 1234, state: 'ok' })
    for (const tenantId of [world.tenantA, world.tenantB]) expect(await operatorRows(tenantId)).toEqual([])
    const platformRows = await withOperatorRead(
      database().pools,
      async (client) =>
        (
          await client.query(
            'SELECT action, reason, actor_id, actor_name, request_id, metadata FROM platform_audit_logs WHERE request_id = $1',
            [requestId],
          )
        ).rows,
    )
    expect(platformRows).toEqual([
      {
        action: 'platform.directory_read',
        reason,
        actor_id: operatorId,
        actor_name: 'operator@example.test',
        request_id: requestId,
        metadata: { what: 'tenant directory', route: 'GET /admin/tenants' },
      },
    ])
  })

  it('page through the directory with a cursor, and search it', async () => {
    const first = await operator.request<{ items: Array<{ id: string }>; nextCursor: string }>('GET', '/admin/tenants?limit=1', {
      headers: withReason,
    })
    const second = await operator.request<{ items: Array<{ id: string }>; nextCursor: string | null }>(
      'GET',
      `/admin/tenants?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      { headers: withReason },
    )
    expect(second.body.items[0]!.id).not.toBe(first.body.items[0]!.id)
    const found = await operator.request<{ items: Array<{ id: string }> }>('GET', '/admin/tenants?q=OPS%20B', { headers: withReason })
    expect(found.body.items.map((item) => item.id)).toEqual([world.tenantB])
  })

  it('show one tenant in detail without secrets, audited in that tenant only', async () => {
    const before = (await operatorRows(world.tenantB)).length
    const detail = await operator.request<{
      members: unknown[]
      apiKeys: Array<Record<string, unknown>>
      quotas: { month: { tokens: number } }
    }>('GET', `/admin/tenants/${world.tenantA}`, { headers: withReason })
    expect(detail.status).toBe(200)
    expect(detail.body.members).toHaveLength(4)
    expect(detail.body.apiKeys.length).toBeGreaterThan(0)
    expect(detail.text).not.toMatch(/lmn_[A-Za-z0-9_-]{43}/)
    expect(detail.body.quotas.month.tokens).toBe(1234)
    expect((await operatorRows(world.tenantB)).length).toBe(before)
    expect((await operator.request('GET', `/admin/tenants/${crypto.randomUUID()}`, { headers: withReason })).status).toBe(404)
  })

  it('search audit logs across tenants, audited into each tenant shown', async () => {
    const page = await operator.request<{ items: Array<{ tenantId: string; action: string }> }>(
      'GET',
      '/admin/audit-logs?action=api_key.created&limit=200',
      { headers: withReason },
    )
    expect(new Set(page.body.items.map((item) => item.tenantId))).toEqual(new Set([world.tenantA, world.tenantB]))
    const rows = await operatorRows(world.tenantB)
    expect(rows.at(-1)).toMatchObject({ action: 'operator.read', reason, metadata: expect.objectContaining({ what: 'audit log search' }) })
  })

  it('create a tenant with an invitation for its first owner, who can then sign in as owner', async () => {
    const created = await operator.request<{ tenant: { id: string }; inviteToken: string }>('POST', '/admin/tenants', {
      body: { name: 'Fresh Co', slug: 'fresh-co', ownerEmail: 'founder@fresh.test' },
      headers: withReason,
    })
    expect(created.status).toBe(201)
    const accepted = await new ApiClient(server().url).request<{ memberships: Array<{ tenantId: string; role: string }> }>(
      'POST',
      '/auth/accept-invite',
      { body: { token: created.body.inviteToken, password: 'fresh founder password' } },
    )
    expect(accepted.body.memberships).toEqual([expect.objectContaining({ tenantId: created.body.tenant.id, role: 'owner' })])
    const actions = await withOperatorRead(database().pools, async (client) =>
      (
        await client.query<{ action: string }>('SELECT action FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [created.body.tenant.id])
      ).rows.map((row) => row.action),
    )
    expect(actions.slice(0, 3)).toEqual(['operator.write', 'tenant.created', 'member.invited'])
    expect(actions).toContain('member.added')
  })

  it('chart usage across tenants as aligned series with totals', async () => {
    const usage = await operator.request<{
      buckets: string[]
      series: Array<{ tenantId: string | null; tokens: number[] }>
      totals: { tokens: number; calls: number }
    }>('GET', '/admin/usage?bucket=hour', { headers: withReason })
    expect(usage.status).toBe(200)
    expect(usage.body.buckets.length).toBe(48)
    for (const series of usage.body.series) expect(series.tokens).toHaveLength(48)
    expect(usage.body.series.find((series) => series.tenantId === world.tenantA)!.tokens.reduce((sum, value) => sum + value, 0)).toBe(1234)
    expect(usage.body.totals).toEqual({ tokens: 1234, calls: 1 })
    expect((await operator.request('GET', '/admin/usage?bucket=hour&from=2020-01-01T00:00:00Z', { headers: withReason })).status).toBe(400)
  })

  it('list operator accesses with who, when, which tenant and why', async () => {
    const log = await operator.request<{
      items: Array<{ tenantId: string; operator: { id: string; name: string }; action: string; reason: string; what: string }>
    }>('GET', `/admin/access-log?tenantId=${world.tenantA}&limit=200`, { headers: withReason })
    expect(log.status).toBe(200)
    // Reads of A's content only: the detail and the audit search (the directory and usage are platform reads).
    expect(log.body.items.map((item) => item.what)).toEqual(
      expect.arrayContaining(['audit log search', 'tenant detail: members, API keys, integrations, quotas']),
    )
    expect(log.body.items[0]).toMatchObject({
      tenantId: world.tenantA,
      operator: { id: operatorId, name: 'operator@example.test' },
      reason,
    })
  })

  it('revoke every session of a user, audited in their tenants', async () => {
    const victim = world.clients.member
    const revoked = await operator.request<{ revokedSessions: number }>('POST', `/admin/users/${world.userIds.member}/sessions/revoke`, {
      headers: withReason,
    })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedSessions).toBeGreaterThanOrEqual(1)
    expect((await victim.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    const actions = (
      await withOperatorRead(
        database().pools,
        async (client) =>
          (
            await client.query<{ action: string }>('SELECT action FROM audit_logs WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 2', [
              world.tenantA,
            ])
          ).rows,
      )
    ).map((row) => row.action)
    expect(actions).toEqual(['session.revoked', 'operator.write'])
  })

  it('read the security posture from the live catalog, every guarantee holding', async () => {
    const posture = await operator.request<{
      tables: Array<{ name: string; rlsForced: boolean; policies: Array<{ roles: string[] }> }>
      roles: Array<{ name: string; bypassRls: boolean; grants: Array<{ table: string; privileges: string[] }> }>
      guarantees: Array<{ name: string; holds: boolean; detail: string }>
      keys: Array<{ kind: string }>
      migrations: { latest: string }
    }>('GET', '/admin/posture', { headers: withReason })
    expect(posture.status).toBe(200)
    expect(posture.body.guarantees.length).toBeGreaterThanOrEqual(5)
    for (const guarantee of posture.body.guarantees) expect(guarantee.holds, `${guarantee.name}: ${guarantee.detail}`).toBe(true)
    expect(posture.body.tables.find((table) => table.name === 'audit_logs')).toMatchObject({ rlsForced: true })
    for (const name of ['limena_app', 'limena_maintenance']) {
      const role = posture.body.roles.find((entry) => entry.name === name)!
      expect(
        role.grants.filter((grant) => grant.table.startsWith('audit_')),
        name,
      ).toEqual([
        { table: 'audit_chain_heads', privileges: ['SELECT'] },
        { table: 'audit_logs', privileges: ['SELECT'] },
      ])
    }
    expect(posture.body.roles.find((role) => role.name === 'limena_audit_writer')).toMatchObject({
      canLogin: false,
      superuser: false,
      bypassRls: false,
    })
    expect(
      posture.body.guarantees.find((guarantee) => guarantee.name.startsWith('Audit rows are appended only through append_audit'))?.holds,
    ).toBe(true)
    expect(
      posture.body.guarantees.find((guarantee) => guarantee.name === 'Platform audit rows are appended only through append_platform_audit')
        ?.holds,
    ).toBe(true)
    expect(posture.body.tables.find((table) => table.name === 'platform_audit_logs')).toMatchObject({ rlsForced: true })
    expect(posture.body.keys.map((key) => key.kind).sort()).toEqual(['encryption', 'jwt-signing'])
    expect(posture.body.migrations.latest).toMatch(/^\d{4}_/)
  })

  it('show a broken guarantee in the posture when a role gains a privilege it must not have', async () => {
    const admin = await database().admin()
    await admin.query('GRANT UPDATE ON limena.audit_logs TO limena_app')
    try {
      const posture = await operator.request<{ guarantees: Array<{ name: string; holds: boolean }> }>('GET', '/admin/posture', {
        headers: withReason,
      })
      expect(posture.body.guarantees.find((guarantee) => guarantee.name.startsWith('The audit log is append-only'))!.holds).toBe(false)
    } finally {
      await admin.query('REVOKE UPDATE ON limena.audit_logs FROM limena_app')
      await admin.end()
    }
  })

  it.each([
    [
      'limena_maintenance regains INSERT on audit_logs',
      'GRANT INSERT ON limena.audit_logs TO limena_maintenance',
      'REVOKE INSERT ON limena.audit_logs FROM limena_maintenance',
    ],
    [
      'limena_app regains UPDATE on audit_chain_heads',
      'GRANT UPDATE ON limena.audit_chain_heads TO limena_app',
      'REVOKE UPDATE ON limena.audit_chain_heads FROM limena_app',
    ],
    [
      'append_audit loses SECURITY DEFINER',
      'ALTER FUNCTION limena.append_audit SECURITY INVOKER',
      'ALTER FUNCTION limena.append_audit SECURITY DEFINER',
    ],
    [
      'append_audit loses its fixed search_path',
      'ALTER FUNCTION limena.append_audit RESET search_path',
      'ALTER FUNCTION limena.append_audit SET search_path = pg_catalog, limena, pg_temp',
    ],
    [
      'append_audit becomes executable by anyone',
      'GRANT EXECUTE ON FUNCTION limena.append_audit TO PUBLIC',
      'REVOKE EXECUTE ON FUNCTION limena.append_audit FROM PUBLIC',
    ],
  ])('show the append-only-through-append_audit guarantee broken when %s', async (_change, breakIt, repairIt) => {
    const admin = await database().admin()
    await admin.query(breakIt)
    try {
      const posture = await operator.request<{ guarantees: Array<{ name: string; holds: boolean }> }>('GET', '/admin/posture', {
        headers: withReason,
      })
      expect(
        posture.body.guarantees.find((guarantee) => guarantee.name.startsWith('Audit rows are appended only through append_audit'))?.holds,
      ).toBe(false)
    } finally {
      await admin.query(repairIt)
      await admin.end()
    }
  })

  it.each([
    [
      'limena_app gains INSERT on platform_audit_logs',
      'GRANT INSERT ON limena.platform_audit_logs TO limena_app',
      'REVOKE INSERT ON limena.platform_audit_logs FROM limena_app',
    ],
    [
      'append_platform_audit becomes executable by anyone',
      'GRANT EXECUTE ON FUNCTION limena.append_platform_audit TO PUBLIC',
      'REVOKE EXECUTE ON FUNCTION limena.append_platform_audit FROM PUBLIC',
    ],
  ])('show the platform log guarantee broken when %s', async (_change, breakIt, repairIt) => {
    const admin = await database().admin()
    await admin.query(breakIt)
    try {
      const posture = await operator.request<{ guarantees: Array<{ name: string; holds: boolean; detail: string }> }>(
        'GET',
        '/admin/posture',
        {
          headers: withReason,
        },
      )
      const guarantee = posture.body.guarantees.find((entry) => entry.name.startsWith('Platform audit rows are appended only through'))
      expect(guarantee?.holds).toBe(false)
      expect(posture.body.guarantees.find((entry) => entry.name.startsWith('Audit rows are appended only through'))?.holds).toBe(true)
    } finally {
      await admin.query(repairIt)
      await admin.end()
    }
  })
})
