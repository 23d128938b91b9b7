/**
 * A fresh database for one test file, copied from the migrated template, with the role pools.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, inject } from 'vitest'
import {
  connectAdmin,
  createDatabasePools,
  quoteIdentifier,
  withDatabaseName,
  type AdminClient,
  type DatabasePools,
} from '../../src/server/db/pools.js'
import { templateDatabaseName, testPasswords } from './test-settings.js'

export interface TestDatabase {
  name: string
  /** Superuser URL of this database: for setting up what no limena role may do. */
  adminUrl: string
  pools: DatabasePools
  admin(): Promise<AdminClient>
  drop(): Promise<void>
}

export async function createTestDatabase(options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const serverAdminUrl = inject('serverAdminUrl')
  const name = `limena_test_${randomBytes(5).toString('hex')}`
  const server = await connectAdmin(serverAdminUrl)
  try {
    await server.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(templateDatabaseName)}`)
  } finally {
    await server.end()
  }
  const adminUrl = withDatabaseName(serverAdminUrl, name)
  const pools = createDatabasePools(adminUrl, testPasswords, { maxConnections: options.maxConnections ?? 4 })
  return {
    name,
    adminUrl,
    pools,
    admin: () => connectAdmin(adminUrl),
    async drop() {
      await pools.close()
      const cleanup = await connectAdmin(serverAdminUrl)
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}

/**
 * Registers beforeAll/afterAll hooks that create and drop this file's database; returns a getter
 * (the database exists only once the hooks ran).
 */
export function useTestDatabase(options: { maxConnections?: number } = {}): () => TestDatabase {
  let database: TestDatabase | undefined
  beforeAll(async () => {
    database = await createTestDatabase(options)
  })
  afterAll(async () => {
    await database?.drop()
  })
  return () => {
    if (!database) throw new Error('the test database is created in beforeAll; use it inside hooks and tests')
    return database
  }
}
