/**
 * The migration runner: idempotent, refuses an edited history, and a table added without RLS is
 * caught by the same catalog check the isolation test uses.
 */
import { describe, expect, it } from 'vitest'
import { bundledMigrations, migrate, parseMigrations, readMigrationState } from '../../../src/server/db/migrate.js'
import { LimenaError } from '../../../src/server/platform/errors.js'
import { tablesWithoutForcedRls } from '../../support/catalog.js'
import { useTestDatabase } from '../../support/test-database.js'
import { testPasswords } from '../../support/test-settings.js'

const database = useTestDatabase()

describe('migrate', () => {
  it('applies nothing the second time and records every migration', async () => {
    const again = await migrate({ adminUrl: database().adminUrl, passwords: testPasswords })
    expect(again.applied).toEqual([])
    const admin = await database().admin()
    try {
      const state = await readMigrationState(admin)
      expect(state.pending).toEqual([])
      expect(state.changed).toEqual([])
      expect(state.applied).toEqual(bundledMigrations.map((migration) => migration.name))
    } finally {
      await admin.end()
    }
  })

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const edited = bundledMigrations.map((migration, index) =>
      index === 0 ? parseMigrations({ [`./migrations/${migration.name}.sql`]: migration.sql + '\n-- edited\n' })[0]! : migration,
    )
    const attempt = migrate({ adminUrl: database().adminUrl, migrations: edited })
    await expect(attempt).rejects.toBeInstanceOf(LimenaError)
    await expect(attempt).rejects.toThrow(/changed after it was applied/)
  })

  it('rolls a failing migration back whole and names it', async () => {
    const broken = [
      ...bundledMigrations,
      ...parseMigrations({
        './migrations/0900_broken.sql':
          'SET LOCAL ROLE limena_owner; SET LOCAL search_path = limena;\nCREATE TABLE half_done (id int);\nSELECT no_such_function();',
      }),
    ]
    await expect(migrate({ adminUrl: database().adminUrl, migrations: broken })).rejects.toThrow(/migration 0900_broken failed/)
    const admin = await database().admin()
    try {
      const leftover = await admin.query(`SELECT to_regclass('limena.half_done') AS table`)
      expect(leftover.rows[0].table).toBeNull()
    } finally {
      await admin.end()
    }
  })

  it('lets the isolation check catch a tenant table added without RLS', async () => {
    const admin = await database().admin()
    try {
      expect(await tablesWithoutForcedRls(admin)).toEqual([])
      await migrate({
        adminUrl: database().adminUrl,
        migrations: [
          ...bundledMigrations,
          ...parseMigrations({
            './migrations/0901_careless.sql':
              'SET LOCAL ROLE limena_owner; SET LOCAL search_path = limena;\nCREATE TABLE careless_notes (tenant_id uuid, body text);',
          }),
        ],
      })
      expect(await tablesWithoutForcedRls(admin)).toEqual(['careless_notes'])
    } finally {
      await admin.end()
    }
  })
})
