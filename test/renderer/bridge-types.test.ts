/**
 * What `call` accepts, checked by the compiler (this file is in tsconfig.node.json, which
 * `npm run typecheck` runs): an operator operation without `{ accessReason }` does not compile,
 * an export may carry one, and no other operation takes one. The `@ts-expect-error` lines fail
 * the typecheck as soon as a wrong call would compile. At run time: main's own operations reuse
 * the contract's schemas.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { operations, type OperationName } from '../../src/shared/contract.js'
import {
  localOperations,
  mainOnlyOperations,
  type CallOptionsArgs,
  type ContractBridgeOperationName,
  type LimenaBridge,
  type OperatorCallOptions,
  type OperatorOperationName,
  type ReasonedOperationName,
} from '../../src/shared/bridge.js'
import { call } from '../../src/renderer/src/lib/bridge'

const tenantId = '11111111-1111-4111-8111-111111111111'

/** Never run: the compiler checks each line. */
export function callsTheCompilerChecks(bridge: LimenaBridge): void {
  void call('adminGetTenant', { tenantId }, { accessReason: 'SUP-1 reviewing' })
  void call('adminPosture', {}, { accessReason: 'SUP-1 reviewing' })
  // @ts-expect-error an operator operation needs its access reason
  void call('adminGetTenant', { tenantId })
  // @ts-expect-error an options object without the reason is not enough
  void call('adminUsage', {}, {})
  // @ts-expect-error the raw bridge holds the same rule
  void bridge.call('adminListTenants', {})
  void call('getTenant', { tenantId })
  void call('listTenants', {})
  void call('sessionStatus', {})
  // @ts-expect-error a tenant operation takes no reason (the member reads as a member)
  void call('getTenant', { tenantId }, { accessReason: 'SUP-1 reviewing' })
  // @ts-expect-error nor does main's own sign-in
  void call('signIn', { email: 'op@example.test', password: 'secret' }, { accessReason: 'SUP-1 reviewing' })
  void call('exportAuditCsv', { tenantId })
  void call('exportAuditCsv', { action: 'auth.*' }, { accessReason: 'SUP-1 reviewing' })
  // Sessions are opened, renewed and ended by main only: their answers carry tokens.
  void call('signInWithSso', { email: 'ada@example.test' })
  void call('signInWithSso', { tenant: 'acme' })
  void call('cancelSso', {})
  void call('ssoDiscover', { email: 'ada@example.test' })
  // @ts-expect-error the password sign-in's answer holds the access token: main's signIn instead
  void call('login', { email: 'op@example.test', password: 'secret' })
  // @ts-expect-error single sign-on's code exchange is main's (it holds the PKCE verifier)
  void call('ssoExchange', { code: 'x', codeVerifier: 'y'.repeat(43) })
  // @ts-expect-error nor can the console start the sign-on itself (main's loopback redirect must receive it)
  void bridge.call('ssoStart', {
    tenant: 'acme',
    redirectUri: 'http://127.0.0.1:1/x',
    codeChallenge: 'c',
    codeChallengeMethod: 'S256',
    state: 's',
  })
  // @ts-expect-error nor the refresh (the refresh token lives in main's keychain only)
  void call('refresh', {})
}

describe('call options', () => {
  it('require the reason for every operator operation, and offer none to the others', () => {
    expectTypeOf<CallOptionsArgs<OperatorOperationName>>().toEqualTypeOf<[options: OperatorCallOptions]>()
    expectTypeOf<CallOptionsArgs<Exclude<ContractBridgeOperationName, OperatorOperationName>>>().toEqualTypeOf<
      [options?: { accessReason?: never }]
    >()
    expectTypeOf<CallOptionsArgs<'exportAuditCsv'>>().toEqualTypeOf<[options?: { accessReason?: string }]>()
    expectTypeOf<'adminGetTenant'>().toExtend<OperatorOperationName>()
    expectTypeOf<'getTenant'>().not.toExtend<ReasonedOperationName>()
    expectTypeOf<'exportAuditCsv'>().toExtend<ReasonedOperationName>()
  })

  it('read which operations are operator operations from the contract’s access kinds', () => {
    expectTypeOf<OperatorOperationName>().not.toBeNever()
    // Each operation's access kind, as the type sees it: a widened `access` would make this `never`.
    expectTypeOf<(typeof operations)['adminPosture']['access']>().toEqualTypeOf<'operator'>()
    expectTypeOf<(typeof operations)['getTenant']['access']>().toEqualTypeOf<'tenant'>()
    const names = Object.keys(operations) as OperationName[]
    expect(names.filter((name) => operations[name].access === 'operator').length).toBeGreaterThan(0)
  })
})

describe('main’s own operations', () => {
  it('validate sign-in and export filters with the contract’s schemas', () => {
    expect(localOperations.signIn.input).toBe(operations.login.input)
    expect(localOperations.createFirstOperator.input).toBe(operations.login.input)
    expect(localOperations.exportAuditCsv.input).toBe(operations.adminExportAuditLogs.input)
    // The drift this fixes: an export filter the backend refuses is refused at the bridge too.
    expect(localOperations.exportAuditCsv.input.safeParse({ action: 'not an action!' }).success).toBe(false)
    expect(localOperations.exportAuditCsv.input.safeParse({ tenantId, action: 'auth.*' }).success).toBe(true)
  })

  it('take single sign-on by the discovery’s own fields: an email or a tenant, never both', () => {
    expect(localOperations.signInWithSso.input).toBe(operations.ssoDiscover.input)
    expect(localOperations.signInWithSso.input.safeParse({ email: 'ada@example.test' }).success).toBe(true)
    expect(localOperations.signInWithSso.input.safeParse({ email: 'ada@example.test', tenant: 'acme' }).success).toBe(false)
    expect(localOperations.signInWithSso.input.safeParse({}).success).toBe(false)
  })

  it('leave every contract operation that answers a session or its cookies to main', () => {
    const sessionOpening = (Object.keys(operations) as OperationName[]).filter(
      (name) =>
        operations[name].output === operations.login.output || (operations[name].path.startsWith('/auth/sso/') && name !== 'ssoDiscover'),
    )
    expect([...mainOnlyOperations].sort()).toEqual(expect.arrayContaining(sessionOpening.sort()))
    expect(mainOnlyOperations).toEqual(expect.arrayContaining(['login', 'refresh', 'logout']))
  })

  it('accept for an export every filter the tenant route accepts', () => {
    const tenantFilters = Object.keys(operations.exportAuditLogs.input.shape).sort()
    expect(Object.keys(localOperations.exportAuditCsv.input.shape).sort()).toEqual(tenantFilters)
  })
})
