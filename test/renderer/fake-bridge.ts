/**
 * A stand-in for the preload's `window.limena` in renderer unit tests: records every call and
 * answers each operation from a table (an operation without an answer fails as a 404 would).
 */
import type { LimenaBridge } from '../../src/shared/bridge.js'
import { problemTypes } from '../../src/shared/problem.js'

export interface FakeBridge {
  calls: Array<{ operation: string; input: unknown; options: unknown }>
  uninstall(): void
}

export function installFakeBridge(answers: Record<string, unknown>): FakeBridge {
  const target = globalThis as typeof globalThis & { limena?: LimenaBridge }
  const previous = target.limena
  const calls: FakeBridge['calls'] = []
  const fake = {
    call: async (operation: string, input: unknown, options?: unknown) => {
      calls.push({ operation, input, options })
      return Object.hasOwn(answers, operation)
        ? { ok: true, value: answers[operation] }
        : { ok: false, problem: { type: problemTypes.notFound, title: 'Not found', status: 404, detail: `no answer for ${operation}` } }
    },
    on: () => () => undefined,
  }
  target.limena = fake as unknown as LimenaBridge
  return {
    calls,
    uninstall: () => {
      if (previous) target.limena = previous
      else delete target.limena
    },
  }
}
