/**
 * @module with-operator
 * Operator access across tenants. Reads run READ ONLY on the `limena_readonly` pool, whose own
 * policies let it see every tenant without BYPASSRLS; writes run on the `limena_maintenance`
 * pool inside one named tenant. The audit row that must precede each access is the caller's
 * duty (operator routes write it first); these helpers only pick the role and the transaction.
 */
import type { DatabasePools, DbClient } from './pools.js'
import { inTransaction } from './with-tenant.js'

export function withOperatorRead<T>(pools: Pick<DatabasePools, 'readonly'>, work: (client: DbClient) => Promise<T>): Promise<T> {
  return inTransaction(pools.readonly, { readOnly: true }, work)
}

export function withMaintenance<T>(
  pools: Pick<DatabasePools, 'maintenance'>,
  tenantId: string | undefined,
  work: (client: DbClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pools.maintenance, tenantId === undefined ? {} : { tenantId }, work)
}
