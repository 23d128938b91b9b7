/**
 * @module audit-counts
 * The counts a search's first page carries: the rows matching every filter, and the operators'
 * access rows among those matching every filter but `operatorAccess`. Each stops at
 * auditCountLimit + 1 rows (`LIMIT` inside the count), so it costs at most that many rows read
 * whatever the log holds, and past the limit it says "more than", never a number it did not count.
 */
import { auditCountLimit, type BoundedCount } from '@shared/contract.js'
import type { DbClient } from '../db/pools.js'
import { auditConditions, operatorAccessCondition, parameterBinder, type AuditSearchFilters } from './audit-query.js'

export interface AuditCounts {
  matching: BoundedCount
  operatorAccess: BoundedCount
}

function boundedCount(counted: number): BoundedCount {
  return counted > auditCountLimit ? { value: auditCountLimit, exact: false } : { value: counted, exact: true }
}

export async function countAuditRows(client: DbClient, filters: AuditSearchFilters): Promise<AuditCounts> {
  const { bind, values } = parameterBinder()
  const matching = auditConditions(filters, bind)
  const operatorAccess = [...auditConditions({ ...filters, operatorAccess: 'include' }, bind), operatorAccessCondition(bind)]
  const limit = bind(auditCountLimit + 1, 'int')
  const bounded = (conditions: string[]) =>
    `(SELECT count(*)::int FROM (SELECT 1 FROM audit_logs ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} LIMIT ${limit}) counted)`
  const result = await client.query<{ matching: number; operator_access: number }>(
    `SELECT ${bounded(matching)} AS matching, ${bounded(operatorAccess)} AS operator_access`,
    values,
  )
  const row = result.rows[0]!
  return { matching: boundedCount(row.matching), operatorAccess: boundedCount(row.operator_access) }
}
