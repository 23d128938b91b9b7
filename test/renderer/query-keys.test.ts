/**
 * Every renderer feature's query-key factory (features/<domain>/api): keys nest under the
 * feature's `all` (so one invalidation reaches them), differ by every variable their fetcher
 * uses, and are the keys the feature's query options carry. The fetchers read the way they are
 * told: member reads through the tenant operations with no reason, operator reads only through
 * the operator call, with the scope the reason is asked for.
 */
import { skipToken } from '@tanstack/react-query'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditLogItem } from '@shared/contract'
import { accessLogKeys, accessLogQuery } from '../../src/renderer/src/features/access/api/access-log-queries'
import { accountKeys, mySessionsQuery, myTenantNamesQuery } from '../../src/renderer/src/features/account/api/my-sessions-queries'
import { auditKeys, auditPagesQuery, auditRouteOf, previousEventsQuery } from '../../src/renderer/src/features/audit/api/audit-queries'
import { invitationKeys, myInvitationsQuery } from '../../src/renderer/src/features/invitations/api/invitation-queries'
import { postureKeys, postureQuery } from '../../src/renderer/src/features/posture/api/posture-queries'
import { sessionKeys, sessionStatusQuery } from '../../src/renderer/src/features/session/api/session'
import {
  directoryQuery,
  memberDetailQuery,
  operatorDetailQuery,
  tenantKeys,
} from '../../src/renderer/src/features/tenants/api/tenant-queries'
import { ssoKeys, tenantSsoQuery } from '../../src/renderer/src/features/tenants/api/sso-queries'
import { usageKeys, usageQuery, usageWindow } from '../../src/renderer/src/features/usage/api/usage-queries'
import { crossTenantScope } from '../../src/renderer/src/lib/access-reasons'
import type { OperatorCall, ReasonSource } from '../../src/renderer/src/lib/operator-call'
import { installFakeBridge, type FakeBridge } from './fake-bridge'

const tenantId = '11111111-1111-4111-8111-111111111111'
const otherTenantId = '22222222-2222-4222-8222-222222222222'
const page = { items: [], nextCursor: null }

const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) => prefix.every((part, index) => Object.is(key[index], part))

/** An OperatorCall that records what it was asked to do and answers from a table. */
function fakeOperatorCall(answers: Record<string, unknown>) {
  const calls: Array<{ operation: string; input: unknown; reason: ReasonSource }> = []
  const operatorCall = (async (operation: string, input: unknown, reason: ReasonSource) => {
    calls.push({ operation, input, reason })
    return answers[operation]
  }) as unknown as OperatorCall
  return { operatorCall, calls }
}

/** Runs a query options' fetcher the way TanStack Query would. */
function fetchWith(options: { queryFn?: unknown }, pageParam: unknown = null): Promise<unknown> {
  const queryFn = options.queryFn as (context: { pageParam: unknown; signal: AbortSignal }) => Promise<unknown>
  return queryFn({ pageParam, signal: new AbortController().signal })
}

let bridge: FakeBridge
beforeEach(() => {
  bridge = installFakeBridge({
    listTenants: { items: [{ id: tenantId, name: 'Own', slug: 'own', createdAt: '', updatedAt: '', role: 'admin' }] },
    getTenant: { id: tenantId, name: 'Own', slug: 'own', createdAt: '' },
    listMembers: { items: [] },
    getQuotas: { tenantId },
    listApiKeys: { items: [] },
    listAuditLogs: page,
    listMyInvitations: { items: [] },
    sessionStatus: { signedIn: false },
  })
})
afterEach(() => bridge.uninstall())

describe('key factories', () => {
  it('nest every key under its feature’s `all`', () => {
    const filters = { tenantId, action: 'auth.*' }
    const keys: Array<[readonly unknown[], readonly unknown[]]> = [
      [tenantKeys.all, tenantKeys.directory(true, 'acme')],
      [tenantKeys.all, tenantKeys.detail(tenantId, 'member')],
      [tenantKeys.directories(), tenantKeys.directory(false, '')],
      [auditKeys.all, auditKeys.list('tenant', filters)],
      [auditKeys.lists(), auditKeys.list('operator', {})],
      [auditKeys.all, auditKeys.neighbours('1', 'tenant', tenantId)],
      [usageKeys.all, usageKeys.series('7d')],
      [postureKeys.all, postureKeys.current()],
      [accessLogKeys.all, accessLogKeys.list()],
      [invitationKeys.all, invitationKeys.mine()],
      [sessionKeys.all, sessionKeys.status],
      [sessionKeys.all, sessionKeys.connections],
      [accountKeys.all, accountKeys.sessions()],
      [accountKeys.all, accountKeys.tenantNames()],
      // A tenant's single sign-on is read again by every change to the tenant, and by none to another.
      [tenantKeys.detailsOf(tenantId), ssoKeys.of(tenantId)],
    ]
    for (const [prefix, key] of keys) expect(startsWith(key, prefix), JSON.stringify(key)).toBe(true)
    expect(startsWith(ssoKeys.of(otherTenantId), tenantKeys.detailsOf(tenantId))).toBe(false)
  })

  it('tell apart a tenant read as a member from one read as an operator, and one tenant from another', () => {
    expect(tenantKeys.detail(tenantId, 'member')).not.toEqual(tenantKeys.detail(tenantId, 'operator'))
    // A mutation invalidates every reading of its tenant, and only of its tenant.
    expect(startsWith(tenantKeys.detail(tenantId, 'member'), tenantKeys.detailsOf(tenantId))).toBe(true)
    expect(startsWith(tenantKeys.detail(tenantId, 'operator'), tenantKeys.detailsOf(tenantId))).toBe(true)
    expect(startsWith(tenantKeys.detail(otherTenantId, 'member'), tenantKeys.detailsOf(tenantId))).toBe(false)
    expect(tenantKeys.directory(true, 'acme')).not.toEqual(tenantKeys.directory(false, 'acme'))
    expect(tenantKeys.directory(true, 'acme')).not.toEqual(tenantKeys.directory(true, 'acme corp'))
  })

  it('hold every filter, the route and the range their fetchers use', () => {
    expect(auditKeys.list('tenant', { tenantId })).not.toEqual(auditKeys.list('operator', { tenantId }))
    expect(auditKeys.list('operator', { action: 'auth.*' })).not.toEqual(auditKeys.list('operator', { action: 'auth.login' }))
    expect(auditKeys.neighbours('1', 'tenant', tenantId)).not.toEqual(auditKeys.neighbours('1', 'operator', tenantId))
    expect(usageKeys.series('7d')).not.toEqual(usageKeys.series('30d'))
  })
})

describe('query options', () => {
  it('carry their factory’s key', () => {
    const { operatorCall } = fakeOperatorCall({})
    expect(usageQuery('48h', operatorCall).queryKey).toEqual(usageKeys.series('48h'))
    expect(postureQuery(operatorCall).queryKey).toEqual(postureKeys.current())
    expect(accessLogQuery(operatorCall).queryKey).toEqual(accessLogKeys.list())
    expect(operatorDetailQuery(tenantId, operatorCall).queryKey).toEqual(tenantKeys.detail(tenantId, 'operator'))
    expect(memberDetailQuery(tenantId).queryKey).toEqual(tenantKeys.detail(tenantId, 'member'))
    expect(directoryQuery('acme', operatorCall).queryKey).toEqual(tenantKeys.directory(true, 'acme'))
    expect(directoryQuery('acme', null).queryKey).toEqual(tenantKeys.directory(false, 'acme'))
    expect(auditPagesQuery('operator', { action: 'auth.*' }, operatorCall).queryKey).toEqual(
      auditKeys.list('operator', { action: 'auth.*' }),
    )
    expect(myInvitationsQuery().queryKey).toEqual(invitationKeys.mine())
    expect(sessionStatusQuery.queryKey).toEqual(sessionKeys.status)
    expect(mySessionsQuery().queryKey).toEqual(accountKeys.sessions())
    expect(myTenantNamesQuery().queryKey).toEqual(accountKeys.tenantNames())
    expect(tenantSsoQuery(tenantId).queryKey).toEqual(ssoKeys.of(tenantId))
  })

  it('read the person’s own sessions and tenants, and a tenant’s single sign-on, as the person', async () => {
    bridge.uninstall()
    bridge = installFakeBridge({
      listMySessions: { items: [{ id: 'a' }] },
      listTenants: { items: [{ id: tenantId, name: 'Own' }] },
      getTenantSso: { sso: null, redirectUri: 'http://127.0.0.1:1/api/v1/auth/sso/callback' },
    })
    expect(await fetchWith(mySessionsQuery())).toEqual([{ id: 'a' }])
    expect(await fetchWith(myTenantNamesQuery())).toEqual(new Map([[tenantId, 'Own']]))
    expect(await fetchWith(tenantSsoQuery(tenantId))).toMatchObject({ sso: null })
    expect(bridge.calls).toEqual([
      { operation: 'listMySessions', input: {}, options: undefined },
      { operation: 'listTenants', input: {}, options: undefined },
      { operation: 'getTenantSso', input: { tenantId }, options: undefined },
    ])
  })

  it('read a member’s tenant through the tenant operations, without any reason', async () => {
    const { operatorCall, calls } = fakeOperatorCall({})
    await fetchWith(memberDetailQuery(tenantId))
    await fetchWith(auditPagesQuery(auditRouteOf({ via: 'member' }), { tenantId }, operatorCall))
    await fetchWith(directoryQuery('', null))
    expect(calls).toEqual([])
    expect(bridge.calls.map((entry) => entry.operation).sort()).toEqual([
      'getQuotas',
      'getTenant',
      'listApiKeys',
      'listAuditLogs',
      'listIntegrations',
      'listMembers',
      'listTenants',
    ])
    expect(bridge.calls.every((entry) => entry.options === undefined)).toBe(true)
  })

  it('read as an operator only through the operator call, asking for the tenant’s scope or every tenant’s', async () => {
    const { operatorCall, calls } = fakeOperatorCall({
      adminGetTenant: { tenant: { id: tenantId }, members: [], apiKeys: [], integrations: [], quotas: {} },
      adminListAuditLogs: page,
      adminListTenants: page,
      adminUsage: {},
      adminPosture: {},
      adminAccessLog: page,
    })
    await fetchWith(operatorDetailQuery(tenantId, operatorCall))
    await fetchWith(auditPagesQuery(auditRouteOf({ via: 'operator' }), { tenantId }, operatorCall))
    await fetchWith(auditPagesQuery('operator', {}, operatorCall))
    await fetchWith(directoryQuery('acme', operatorCall))
    await fetchWith(usageQuery('7d', operatorCall))
    await fetchWith(postureQuery(operatorCall))
    await fetchWith(accessLogQuery(operatorCall))
    expect(bridge.calls).toEqual([])
    expect(calls.map((entry) => [entry.operation, 'scope' in entry.reason ? entry.reason.scope : null])).toEqual([
      ['adminGetTenant', tenantId],
      ['adminListAuditLogs', tenantId],
      ['adminListAuditLogs', crossTenantScope],
      ['adminListTenants', crossTenantScope],
      ['adminUsage', crossTenantScope],
      ['adminPosture', crossTenantScope],
      ['adminAccessLog', crossTenantScope],
    ])
    expect(calls[3]!.input).toMatchObject({ q: 'acme' })
  })

  it('check an event’s chain link the way its tenant is read, and not at all without an event', async () => {
    const event = { id: '7', tenantId, at: '2026-11-20T10:00:00.000Z' } as AuditLogItem
    const { operatorCall, calls } = fakeOperatorCall({ adminListAuditLogs: page })
    expect(previousEventsQuery(null, 'tenant', tenantId, operatorCall).queryFn).toBe(skipToken)
    await fetchWith(previousEventsQuery(event, 'tenant', tenantId, operatorCall))
    expect(bridge.calls).toEqual([
      { operation: 'listAuditLogs', input: { tenantId, to: '2026-11-20T10:00:00.001Z', limit: 25 }, options: undefined },
    ])
    await fetchWith(previousEventsQuery(event, 'operator', crossTenantScope, operatorCall))
    expect(calls).toEqual([
      {
        operation: 'adminListAuditLogs',
        input: { tenantId, to: '2026-11-20T10:00:00.001Z', limit: 25 },
        reason: { scope: crossTenantScope, what: "this tenant's audit log" },
      },
    ])
  })

  it('ask usage for whole buckets ending after now', () => {
    const now = Date.parse('2026-11-23T17:20:00.000Z')
    expect(usageWindow('48h', now)).toEqual({ bucket: 'hour', from: '2026-11-21T18:00:00.000Z', to: '2026-11-23T18:00:00.000Z', top: 8 })
    expect(usageWindow('30d', now)).toEqual({ bucket: 'day', from: '2026-10-25T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z', top: 8 })
  })
})
