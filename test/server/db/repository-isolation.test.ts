/**
 * The second wall: a repository that is handed the wrong tenant's id (a bug in a route) still
 * returns nothing of that tenant, because RLS filters on the transaction's tenant.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { listMembers } from '../../../src/server/members/member-repository.js'
import { findTenant } from '../../../src/server/tenants/tenant-repository.js'
import { useTestDatabase } from '../../support/test-database.js'
import { seedTenant, type SeededTenant } from '../../support/tenant-fixtures.js'

const database = useTestDatabase()
let tenantA: SeededTenant
let tenantB: SeededTenant

beforeAll(async () => {
  tenantA = await seedTenant(database().pools, 'wall-a')
  tenantB = await seedTenant(database().pools, 'wall-b')
})

describe('repositories under the wrong tenant', () => {
  it("find tenant B's members and tenant record when B is the transaction's tenant", async () => {
    const members = await withTenant(database().pools.app, tenantB.id, (client) => listMembers(client, tenantB.id))
    expect(members.map((member) => member.user_id)).toEqual([tenantB.userId])
    expect(await withTenant(database().pools.app, tenantB.id, (client) => findTenant(client, tenantB.id))).toMatchObject({ id: tenantB.id })
  })

  it("return nothing of tenant B when handed B's id inside tenant A's transaction", async () => {
    const members = await withTenant(database().pools.app, tenantA.id, (client) => listMembers(client, tenantB.id))
    expect(members).toEqual([])
    const tenantRecord = await withTenant(database().pools.app, tenantA.id, (client) => findTenant(client, tenantB.id))
    expect(tenantRecord).toBeNull()
  })
})
