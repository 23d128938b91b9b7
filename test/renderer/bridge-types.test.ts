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
  type CallOptionsArgs,
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
}

describe('call options', () => {
  it('require the reason for every operator operation, and offer none to the others', () => {
    expectTypeOf<CallOptionsArgs<OperatorOperationName>>().toEqualTypeOf<[options: OperatorCallOptions]>()
    expectTypeOf<CallOptionsArgs<Exclude<OperationName, OperatorOperationName>>>().toEqualTypeOf<[options?: { accessReason?: never }]>()
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

  it('accept for an export every filter the tenant route accepts', () => {
    const tenantFilters = Object.keys(operations.exportAuditLogs.input.shape).sort()
    expect(Object.keys(localOperations.exportAuditCsv.input.shape).sort()).toEqual(tenantFilters)
  })
})
