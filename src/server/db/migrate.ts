/**
 * @module migrate
 * Plain SQL migrations, applied in order under an advisory lock, each in its own transaction and
 * recorded with a checksum in limena.schema_migrations; running it twice changes nothing. After
 * migrating it verifies that no limena role is superuser or BYPASSRLS, then sets the login roles'
 * passwords as SCRAM verifiers.
 */
import { createHash } from 'node:crypto'
import { scramSha256Verifier } from '../crypto/scram-verifier.js'
import { LimenaError, oneLineMessage } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'
import type { DatabasePasswords } from '../secrets/install-secrets.js'
import { connectAdmin, quoteIdentifier, quoteLiteral, roleNames, type AdminClient } from './pools.js'

export interface Migration {
  version: number
  name: string
  sql: string
  checksum: string
}

const migrationFiles = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true })

export function parseMigrations(files: Record<string, string>): Migration[] {
  return Object.entries(files)
    .map(([path, sql]) => {
      const match = /(\d{4})_([a-z0-9_]+)\.sql$/.exec(path)
      if (!match) throw new Error(`migration file name ${path} is not NNNN_name.sql`)
      return {
        version: Number(match[1]),
        name: `${match[1]}_${match[2]}`,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      }
    })
    .sort((a, b) => a.version - b.version)
}

export const bundledMigrations: Migration[] = parseMigrations(migrationFiles)

const migrationLockKey = 7_420_001
export const minimumServerVersion = 140000

export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl)
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`
}

export async function connectForMigrations(adminUrl: string): Promise<AdminClient> {
  try {
    return await connectAdmin(adminUrl)
  } catch (error) {
    throw new LimenaError('database_unreachable', `cannot reach PostgreSQL at ${describeDatabase(adminUrl)}: ${oneLineMessage(error)}`, {
      cause: error,
    })
  }
}

export interface MigrationState {
  applied: string[]
  pending: string[]
  /** Applied migrations whose file has changed since: a tampered or edited history. */
  changed: string[]
}

export async function readMigrationState(client: AdminClient, migrations: Migration[] = bundledMigrations): Promise<MigrationState> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass('limena.schema_migrations') IS NOT NULL AS present`)
  const appliedRows = exists.rows[0]?.present
    ? (await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM limena.schema_migrations')).rows
    : []
  const appliedByVersion = new Map(appliedRows.map((row) => [row.version, row.checksum]))
  const state: MigrationState = { applied: [], pending: [], changed: [] }
  for (const migration of migrations) {
    const checksum = appliedByVersion.get(migration.version)
    if (checksum === undefined) state.pending.push(migration.name)
    else {
      state.applied.push(migration.name)
      if (checksum !== migration.checksum) state.changed.push(migration.name)
    }
  }
  return state
}

async function assertServerVersion(client: AdminClient): Promise<void> {
  const result = await client.query<{ server_version_num: string }>('SHOW server_version_num')
  const version = Number(result.rows[0]?.server_version_num ?? 0)
  if (version < minimumServerVersion) {
    throw new LimenaError('migration_failed', `PostgreSQL 14 or newer is required; this server is version ${Math.floor(version / 10000)}`)
  }
}

async function assertSafeRoleAttributes(client: AdminClient): Promise<void> {
  const result = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
    `SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1)`,
    [Object.values(roleNames)],
  )
  for (const role of result.rows) {
    if (role.rolsuper || role.rolbypassrls) {
      const attribute = role.rolsuper ? 'SUPERUSER' : 'BYPASSRLS'
      throw new LimenaError(
        'migration_failed',
        `role ${role.rolname} has ${attribute}, which would defeat row-level security; remove it (ALTER ROLE ${role.rolname} NO${attribute})`,
      )
    }
  }
}

async function setRolePasswords(client: AdminClient, passwords: DatabasePasswords): Promise<void> {
  const logins: Array<[string, string]> = [
    [roleNames.app, passwords.app],
    [roleNames.readonly, passwords.readonly],
    [roleNames.maintenance, passwords.maintenance],
  ]
  for (const [role, password] of logins) {
    await client.query(`ALTER ROLE ${quoteIdentifier(role)} WITH LOGIN PASSWORD ${quoteLiteral(scramSha256Verifier(password))}`)
  }
}

export async function migrate(options: {
  adminUrl: string
  passwords?: DatabasePasswords
  log?: Logger
  migrations?: Migration[]
}): Promise<{ applied: string[] }> {
  const migrations = options.migrations ?? bundledMigrations
  const client = await connectForMigrations(options.adminUrl)
  const appliedNow: string[] = []
  try {
    await assertServerVersion(client)
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey])
    try {
      const state = await readMigrationState(client, migrations)
      if (state.changed.length > 0) {
        throw new LimenaError(
          'migration_failed',
          `migration ${state.changed.join(', ')} changed after it was applied; restore the original file`,
        )
      }
      for (const migration of migrations.filter((candidate) => state.pending.includes(candidate.name))) {
        try {
          await client.query('BEGIN')
          await client.query(migration.sql)
          await client.query('INSERT INTO limena.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            migration.checksum,
          ])
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw new LimenaError('migration_failed', `migration ${migration.name} failed: ${oneLineMessage(error)}`, { cause: error })
        }
        appliedNow.push(migration.name)
        options.log?.info({ migration: migration.name }, 'migration applied')
      }
      await assertSafeRoleAttributes(client)
      if (options.passwords) await setRolePasswords(client, options.passwords)
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined)
    }
  } catch (error) {
    if (error instanceof LimenaError) throw error
    throw new LimenaError('migration_failed', `migrating ${describeDatabase(options.adminUrl)} failed: ${oneLineMessage(error)}`, {
      cause: error,
    })
  } finally {
    await client.end().catch(() => undefined)
  }
  return { applied: appliedNow }
}

/** Creates the database named `name` on the admin URL's server when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = await connectForMigrations(adminUrl)
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdentifier(name)} ENCODING 'UTF8'`)
  } finally {
    await client.end().catch(() => undefined)
  }
}
