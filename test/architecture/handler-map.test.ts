/**
 * The handler map is complete, by type and in fact: a map missing a routed operation does not
 * compile (checked by `npm run typecheck`, which includes this file), and every operation of
 * the contract but the health check (served before authentication) has a handler at run time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { operations } from '../../src/shared/contract.js'
import { operationHandlers } from '../../src/server/app.js'
import type { OperationHandlers } from '../../src/server/http/operation-context.js'

describe('the handler map', () => {
  it('is complete by type: removing one handler does not compile', () => {
    const withoutLogin = Object.fromEntries(Object.entries(operationHandlers).filter(([name]) => name !== 'login')) as Omit<
      typeof operationHandlers,
      'login'
    >
    // @ts-expect-error a map without the login handler is not an OperationHandlers
    const incomplete: OperationHandlers = withoutLogin
    expectTypeOf(operationHandlers).toExtend<OperationHandlers>()
    expect(Object.keys(incomplete)).not.toContain('login')
  })

  it('has a handler for every routed operation of the contract', () => {
    const routed = Object.keys(operations).filter((name) => name !== 'health')
    expect(Object.keys(operationHandlers).sort()).toEqual(routed.sort())
  })
})
