/**
 * @module global-tables
 * Tables that belong to no tenant, so carry no row-level security by design: a user or a refresh
 * token spans tenants, the migration ledger is the schema's, and rate-limit counters are keyed by
 * IP address or account. Single sign-on adds three (migration 0013): the platform's own identity
 * provider is the install's, not a tenant's; an identity at an issuer is a person's, who may belong
 * to several tenants, as a user is; and a session (a refresh-token family, with how it was opened)
 * is a user's, as its refresh tokens are. Every other table must have RLS enabled and forced; the
 * posture screen and the isolation tests both read this list.
 */
export const globalTables: readonly string[] = [
  'users',
  'refresh_tokens',
  'schema_migrations',
  'rate_limits',
  'platform_sso',
  'sso_identities',
  'user_sessions',
]
