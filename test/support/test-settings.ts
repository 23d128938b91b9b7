import type { DatabasePasswords } from '../../src/server/secrets/install-secrets.js'

export const templateDatabaseName = 'limena_test_template'

/** Role passwords of the test cluster: fixed, since roles are shared by every test database. */
export const testPasswords: DatabasePasswords = {
  app: 'test-app-password-0123456789',
  readonly: 'test-readonly-password-0123456789',
  maintenance: 'test-maintenance-password-0123456789',
  embeddedSuperuser: 'test-superuser-password-0123456789',
}
