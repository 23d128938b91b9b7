/**
 * 200 concurrent clients for 30 seconds (LIMENA_SOAK_SECONDS to change it) against one server,
 * half of them tenant A's and half tenant B's, mixing reads and writes: no answer is a 5xx, and no
 * answer carries anything of the other tenant.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, useTestServer } from '../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../support/tenant-world.js'
import { apiKeyScopes } from '../../src/shared/permissions.js'

const database = useTestDatabase({ maxConnections: 20 })
const server = useTestServer(database)
let world: TenantWorld
let keys: { a: string; b: string }
const seconds = Number(process.env.LIMENA_SOAK_SECONDS ?? 30)

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'soak')
  keys = {
    a: (
      await world.clients.owner.request<{ key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
        body: { name: 'soak A', scopes: [...apiKeyScopes] },
      })
    ).body.key,
    b: (
      await world.ownerB.request<{ key: string }>('POST', `/tenants/${world.tenantB}/api-keys`, {
        body: { name: 'soak B', scopes: [...apiKeyScopes] },
      })
    ).body.key,
  }
})

describe('200 concurrent clients across two tenants', () => {
  it(
    `for ${seconds} s: no 5xx, and nothing of the other tenant in any answer`,
    async () => {
      const deadline = Date.now() + seconds * 1000
      const statuses = new Map<number, number>()
      const leaks: string[] = []
      let requests = 0
      const client = async (index: number) => {
        const own =
          index % 2 === 0
            ? { tenant: world.tenantA, key: keys.a, other: world.tenantB, otherSlug: 'soak-b' }
            : { tenant: world.tenantB, key: keys.b, other: world.tenantA, otherSlug: 'soak-a' }
        const api = new ApiClient(server().url)
        const paths = ['members', 'api-keys', 'integrations', 'audit-logs?limit=20', 'quotas', '']
        for (let round = 0; Date.now() < deadline; round += 1) {
          const answer =
            round % 5 === 4
              ? await api.request('POST', `/tenants/${own.tenant}/ai/usage`, { body: { tokens: 10 }, auth: `Bearer ${own.key}` })
              : await api.request('GET', `/tenants/${own.tenant}/${paths[round % paths.length]}`.replace(/\/$/, ''), {
                  auth: `Bearer ${own.key}`,
                })
          requests += 1
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
          if (answer.text.includes(own.other) || answer.text.includes(own.otherSlug))
            leaks.push(`${answer.status} ${answer.text.slice(0, 200)}`)
        }
      }
      await Promise.all(Array.from({ length: 200 }, (_, index) => client(index)))
      const serverErrors = [...statuses.entries()].filter(([status]) => status >= 500)
      expect(requests).toBeGreaterThan(1000)
      expect(serverErrors, JSON.stringify(Object.fromEntries(statuses))).toEqual([])
      expect(leaks).toEqual([])
    },
    (seconds + 60) * 1000,
  )
})
