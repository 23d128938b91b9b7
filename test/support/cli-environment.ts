import { testPasswords } from './test-settings.js'
import type { TestDatabase } from './test-database.js'

/** Environment for running `limena` against a test database without changing the shared roles' passwords. */
export function cliEnvironmentFor(database: TestDatabase): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: database.adminUrl,
    LIMENA_SECRETS_STORE: 'file',
    LIMENA_LOG_LEVEL: 'warn',
    LIMENA_DB_APP_PASSWORD: testPasswords.app,
    LIMENA_DB_READONLY_PASSWORD: testPasswords.readonly,
    LIMENA_DB_MAINTENANCE_PASSWORD: testPasswords.maintenance,
  }
}
