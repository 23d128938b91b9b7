/**
 * @module doctor
 * `limena doctor`: checks an install without changing it — data directory and file modes,
 * where the secrets live and whether the keychain answers, key ages, database reachability,
 * migrations, role attributes, and that the app role can log in. Exit code 1 when any check fails.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { LimenaConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { connectForMigrations, describeDatabase, readMigrationState } from '../db/migrate.js'
import { connectAdmin, roleNames, withDatabaseName, databaseNameOf } from '../db/pools.js'
import { oneLineMessage } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'
import { createKeychainVault, probeKeychain } from '../platform/keychain-vault.js'
import {
  installFileName,
  readInstallRecord,
  resolveInstallSecrets,
  secretsFileName,
  type InstallSecrets,
} from '../secrets/install-secrets.js'
import { keyAges, keyRotationDays } from '../secrets/key-ages.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'
export interface DoctorCheck {
  status: CheckStatus
  name: string
  detail: string
}

function modeOf(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0')
}

async function fileModeCheck(path: string, name: string): Promise<DoctorCheck | null> {
  try {
    const info = await stat(path)
    const loose = (info.mode & 0o077) !== 0
    return {
      status: loose ? 'fail' : 'ok',
      name,
      detail: `${path} mode ${modeOf(info.mode)}${loose ? ': group or others can read it; run chmod 600' : ''}`,
    }
  } catch {
    return null
  }
}

export function keyAgeChecks(secrets: InstallSecrets, now: Date = new Date()): DoctorCheck[] {
  return keyAges(secrets, now)
    .filter((key) => !key.retired)
    .map((key) => {
      const name = key.kind === 'encryption' ? 'encryption key age' : 'JWT signing key age'
      if (key.ageDays === null)
        return { status: 'ok' as const, name, detail: 'from the environment; its age is not known here, rotate it every 90 days' }
      return {
        status: key.rotationDue ? ('warn' as const) : ('ok' as const),
        name,
        detail: `${key.ageDays} days old${key.rotationDue ? `: older than ${keyRotationDays} days, rotate it (limena rotate-keys)` : ''}`,
      }
    })
}

export async function runDoctor(config: LimenaConfig, log: Logger): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = []
  try {
    await access(config.dataDir, constants.W_OK | constants.X_OK)
    const info = await stat(config.dataDir)
    const writableByOthers = (info.mode & 0o022) !== 0
    checks.push({
      status: writableByOthers ? 'fail' : 'ok',
      name: 'data directory',
      detail: `${config.dataDir} mode ${modeOf(info.mode)}${writableByOthers ? ': others can write into it' : ''}`,
    })
  } catch (error) {
    checks.push({
      status: 'fail',
      name: 'data directory',
      detail: `${config.dataDir} is not usable (${(error as NodeJS.ErrnoException).code ?? oneLineMessage(error)})`,
    })
    return checks
  }

  try {
    await probeKeychain(createKeychainVault())
    checks.push({ status: 'ok', name: 'keychain', detail: 'the OS keychain answers' })
  } catch (error) {
    checks.push({ status: 'warn', name: 'keychain', detail: oneLineMessage(error) })
  }

  const record = await readInstallRecord(config.dataDir).catch((error: unknown) => {
    checks.push({ status: 'fail', name: 'install', detail: oneLineMessage(error) })
    return null
  })
  if (!record) {
    if (!checks.some((check) => check.name === 'install')) {
      checks.push({ status: 'fail', name: 'install', detail: `${config.dataDir} holds no install yet: run limena serve or limena migrate` })
    }
    return checks
  }
  for (const [file, name] of [
    [installFileName, 'install file mode'],
    [secretsFileName, 'secrets file mode'],
  ] as const) {
    const check = await fileModeCheck(join(config.dataDir, file), name)
    if (check) checks.push(check)
  }

  let secrets: InstallSecrets
  try {
    secrets = (await resolveInstallSecrets({ dataDir: config.dataDir, store: config.secretsStore })).secrets
    checks.push({
      status: 'ok',
      name: 'secrets',
      detail: `kept in the ${record.secretsStore === 'keychain' ? 'OS keychain' : 'secrets file'}`,
    })
  } catch (error) {
    checks.push({ status: 'fail', name: 'secrets', detail: oneLineMessage(error) })
    return checks
  }
  checks.push(...keyAgeChecks(secrets))

  let database: Awaited<ReturnType<typeof openDatabase>>
  try {
    database = await openDatabase(config, secrets, log)
  } catch (error) {
    checks.push({ status: 'fail', name: 'database', detail: oneLineMessage(error) })
    return checks
  }
  try {
    const client = await connectForMigrations(database.adminUrl)
    try {
      const version = await client.query<{ server_version: string }>('SHOW server_version')
      checks.push({
        status: 'ok',
        name: 'database',
        detail: `reachable at ${describeDatabase(database.adminUrl)} (PostgreSQL ${version.rows[0]?.server_version ?? '?'}, ${database.kind})`,
      })
      const state = await readMigrationState(client)
      const current = state.pending.length === 0 && state.changed.length === 0
      checks.push({
        status: current ? 'ok' : 'fail',
        name: 'migrations',
        detail: current
          ? `current (${state.applied.at(-1) ?? 'none'})`
          : `${state.pending.length} pending${state.changed.length ? `, changed after applying: ${state.changed.join(', ')}` : ''}: run limena migrate`,
      })
      const roles = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
        'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
        [Object.values(roleNames)],
      )
      const unsafe = roles.rows.filter((role) => role.rolsuper || role.rolbypassrls).map((role) => role.rolname)
      checks.push({
        status: roles.rowCount === Object.keys(roleNames).length && unsafe.length === 0 ? 'ok' : 'fail',
        name: 'database roles',
        detail: unsafe.length
          ? `superuser or BYPASSRLS: ${unsafe.join(', ')}`
          : `${roles.rowCount} of ${Object.keys(roleNames).length} limena roles present, none superuser or BYPASSRLS`,
      })
    } finally {
      await client.end()
    }
    const appUrl = new URL(withDatabaseName(database.adminUrl, databaseNameOf(database.adminUrl)))
    appUrl.username = roleNames.app
    appUrl.password = secrets.databasePasswords.app
    try {
      const appClient = await connectAdmin(appUrl.toString())
      await appClient.end()
      checks.push({ status: 'ok', name: 'app role login', detail: `${roleNames.app} can log in` })
    } catch (error) {
      checks.push({ status: 'fail', name: 'app role login', detail: `${roleNames.app} cannot log in: ${oneLineMessage(error)}` })
    }
  } catch (error) {
    checks.push({ status: 'fail', name: 'database', detail: oneLineMessage(error) })
  } finally {
    await database.close()
  }
  return checks
}

export function formatChecks(checks: DoctorCheck[]): string[] {
  const width = Math.max(...checks.map((check) => check.name.length))
  return checks.map((check) => `${check.status.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`)
}
