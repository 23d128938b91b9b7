/**
 * @module platform-operators
 * Creating a platform operator, the one implementation behind `limena create-operator` and the
 * desktop app's first run, with one email rule (the contract's) and one password rule. The first
 * run may only create the first operator: that check runs under a lock in the creating
 * transaction, so two windows cannot both create one.
 */
import { emailSchema } from '@shared/contract.js'
import { hashPassword, passwordProblem } from '../crypto/passwords.js'
import type { DatabasePools } from '../db/pools.js'
import { withMaintenance } from '../db/with-operator.js'
import { upsertPlatformOperator } from './user-repository.js'

export type OperatorSaved =
  { ok: true; id: string; email: string; created: boolean } | { ok: false; problem: 'invalid' | 'exists'; reason: string }

const firstOperatorLock = 7420002

export async function hasPlatformOperator(pools: Pick<DatabasePools, 'maintenance'>): Promise<boolean> {
  return withMaintenance(
    pools,
    undefined,
    async (client) => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_platform_admin')).rows[0]!.n > 0,
  )
}

/** What is wrong with an operator's email or password, or null: checked before any database work. */
export function operatorInputProblem(operator: { email: string; password: string }): string | null {
  if (!emailSchema.safeParse(operator.email).success) return `not an email address: ${operator.email.trim().slice(0, 254)}`
  return passwordProblem(operator.password)
}

/**
 * Creates a platform operator, or makes an existing user one and sets their password. With
 * `onlyTheFirst`, refuses when the install already has an operator.
 */
export async function savePlatformOperator(
  pools: Pick<DatabasePools, 'maintenance'>,
  operator: { email: string; password: string },
  options: { onlyTheFirst?: boolean } = {},
): Promise<OperatorSaved> {
  const problem = operatorInputProblem(operator)
  if (problem) return { ok: false, problem: 'invalid', reason: problem }
  const email = emailSchema.parse(operator.email)
  const passwordHash = await hashPassword(operator.password)
  return withMaintenance(pools, undefined, async (client) => {
    if (options.onlyTheFirst) {
      await client.query('SELECT pg_advisory_xact_lock($1)', [firstOperatorLock])
      const existing = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_platform_admin')).rows[0]!.n
      if (existing > 0)
        return { ok: false as const, problem: 'exists' as const, reason: 'this install already has an operator: sign in instead' }
    }
    const saved = await upsertPlatformOperator(client, { email, passwordHash })
    return { ok: true as const, id: saved.id, email, created: saved.created }
  })
}
