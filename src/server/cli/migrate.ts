/**
 * @module migrate-command
 * `limena migrate`: bring the database schema and roles up to date, and say what was applied.
 */
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { readMigrationState, connectForMigrations } from '../db/migrate.js'
import type { Logger } from '../platform/log.js'

export async function migrateCommand(config: LimenaConfig, log: Logger, print: (line: string) => void): Promise<void> {
  const prepared = await prepareDatabase(config, log)
  try {
    const client = await connectForMigrations(prepared.adminUrl)
    try {
      const state = await readMigrationState(client)
      print(
        `limena: database is at migration ${state.applied.at(-1) ?? 'none'} (${state.applied.length} applied, ${state.pending.length} pending)`,
      )
    } finally {
      await client.end()
    }
  } finally {
    await prepared.close()
  }
}
