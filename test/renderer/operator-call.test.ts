/**
 * The one helper for operator calls (src/renderer/src/lib/operator-call.ts): it takes the reason
 * from the AccessReasonProvider's contract (asking once per scope) or from the call, and hands it
 * to the bridge with the operation; nothing reaches the bridge when the operator declines.
 */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AccessReasonContext, type AccessReasons } from '../../src/renderer/src/lib/access-reasons'
import { operatorCallWith, useOperatorCall, type OperatorCall } from '../../src/renderer/src/lib/operator-call'
import { installFakeBridge, type FakeBridge } from './fake-bridge'

const tenantId = '11111111-1111-4111-8111-111111111111'
let bridge: FakeBridge
beforeEach(() => {
  bridge = installFakeBridge({
    adminGetTenant: { tenant: { id: tenantId } },
    adminResetQuota: { state: 'ok' },
    exportAuditCsv: { outcome: 'done' },
  })
})
afterEach(() => bridge.uninstall())

/** An AccessReasons that answers from a script and records what was asked. */
function scriptedReasons(answer: (scope: string) => string | null) {
  const asked: Array<{ scope: string; what: string }> = []
  const reasons: AccessReasons = {
    reasonFor: () => null,
    ensureReason: async (scope, what) => {
      asked.push({ scope, what })
      const reason = answer(scope)
      if (!reason) throw new Error('no access reason given')
      return reason
    },
    changeReason: () => undefined,
    scopeName: () => null,
  }
  return { reasons, asked }
}

describe('operatorCallWith', () => {
  it('asks why for the scope, then calls the operation with that reason', async () => {
    const { reasons, asked } = scriptedReasons(() => 'SUP-1 checking a ticket')
    const value = await operatorCallWith(reasons)('adminGetTenant', { tenantId }, { scope: tenantId, what: 'this tenant' })
    expect(value).toEqual({ tenant: { id: tenantId } })
    expect(asked).toEqual([{ scope: tenantId, what: 'this tenant' }])
    expect(bridge.calls).toEqual([
      { operation: 'adminGetTenant', input: { tenantId }, options: { accessReason: 'SUP-1 checking a ticket' } },
    ])
  })

  it('uses a reason given with the call (an operator write) without asking', async () => {
    const { reasons, asked } = scriptedReasons(() => 'never used')
    await operatorCallWith(reasons)('adminResetQuota', { tenantId, kind: 'velocity' }, { reason: 'SUP-2 approved burst' })
    expect(asked).toEqual([])
    expect(bridge.calls).toEqual([
      { operation: 'adminResetQuota', input: { tenantId, kind: 'velocity' }, options: { accessReason: 'SUP-2 approved burst' } },
    ])
  })

  it('takes exports too, whose reason makes main read through the operator route', async () => {
    const { reasons } = scriptedReasons(() => 'SUP-3 export for audit')
    await operatorCallWith(reasons)('exportAuditCsv', { action: 'auth.*' }, { scope: 'all-tenants', what: 'audit logs for export' })
    expect(bridge.calls).toEqual([
      { operation: 'exportAuditCsv', input: { action: 'auth.*' }, options: { accessReason: 'SUP-3 export for audit' } },
    ])
  })

  it('calls nothing when the operator gives no reason', async () => {
    const { reasons } = scriptedReasons(() => null)
    await expect(operatorCallWith(reasons)('adminGetTenant', { tenantId }, { scope: tenantId, what: 'this tenant' })).rejects.toThrow(
      'no access reason given',
    )
    expect(bridge.calls).toEqual([])
  })
})

describe('useOperatorCall', () => {
  it('asks through the AccessReasonProvider of the render it runs in', async () => {
    const { reasons, asked } = scriptedReasons(() => 'SUP-4 from the provider')
    let operatorCall: OperatorCall | undefined
    function Probe() {
      operatorCall = useOperatorCall()
      return null
    }
    renderToStaticMarkup(createElement(AccessReasonContext.Provider, { value: reasons }, createElement(Probe)))
    await operatorCall!('adminGetTenant', { tenantId }, { scope: tenantId, what: 'this tenant' })
    expect(asked).toEqual([{ scope: tenantId, what: 'this tenant' }])
    expect(bridge.calls[0]?.options).toEqual({ accessReason: 'SUP-4 from the provider' })
  })
})
