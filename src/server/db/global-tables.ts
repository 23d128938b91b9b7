/**
 * @module global-tables
 * Tables that belong to no tenant, so carry no row-level security by design: a user or a refresh
 * token spans tenants, the migration ledger is the schema's, and rate-limit counters are keyed by
 * IP address or account. Every other table must have RLS enabled and forced; the posture screen
 * and the isolation tests both read this list.
 */
export const globalTables: readonly string[] = ['users', 'refresh_tokens', 'schema_migrations', 'rate_limits']
