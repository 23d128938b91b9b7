/**
 * @module first-run
 * An embedded install starts with no one to sign in as. Until it has a platform operator, the
 * console offers to create the first one; after that the offer is gone (it cannot be used to add
 * operators later: that is `limena create-operator`, on the machine itself).
 */
import { hashPassword, passwordProblem } from '../server/crypto/passwords.js'
import type { DatabasePools } from '../server/db/pools.js'
import { withMaintenance } from '../server/db/with-operator.js'
import { upsertPlatformOperator } from '../server/users/user-repository.js'

export interface FirstRun {
  needed(): Promise<boolean>
  createOperator(email: string, password: string): Promise<{ ok: true } | { ok: false; reason: string }>
}

export function firstRunFor(pools: Pick<DatabasePools, 'maintenance'>): FirstRun {
  const needed = async () =>
    withMaintenance(pools, undefined, async (client) => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_platform_admin')).rows[0]!.n === 0)
  return {
    needed,
    async createOperator(email, password) {
      const problem = passwordProblem(password)
      if (problem) return { ok: false, reason: problem }
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return { ok: false, reason: 'that is not an email address' }
      const passwordHash = await hashPassword(password)
      return withMaintenance(pools, undefined, async (client) => {
        // Checked again in the same transaction, under a lock, so two windows cannot both create one.
        await client.query('SELECT pg_advisory_xact_lock(7420002)')
        const existing = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE is_platform_admin')).rows[0]!.n
        if (existing > 0) return { ok: false as const, reason: 'this install already has an operator: sign in instead' }
        await upsertPlatformOperator(client, { email, passwordHash })
        return { ok: true as const }
      })
    },
  }
}
