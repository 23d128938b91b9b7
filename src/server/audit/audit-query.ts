/**
 * @module audit-query
 * The WHERE clause of an audit search, shared by the JSON search, its counts (bound parameters)
 * and the CSV exports (COPY takes no parameters, so values are inlined as escaped literals; every
 * value has already been validated by the contract's schema). One function for all of them, so
 * an export holds exactly the rows the search shows for the same filters.
 */
import { operatorAccessActions } from '@shared/audit-actions.js'
import type { AuditFilters } from '@shared/contract.js'

export type Bind = (value: unknown, cast?: string) => string

export function parameterBinder(): { bind: Bind; values: unknown[] } {
  const values: unknown[] = []
  return {
    values,
    bind: (value, cast) => {
      values.push(value)
      return `$${values.length}${cast ? `::${cast}` : ''}`
    },
  }
}

export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

/** The filters of a search or an export; `tenantId` for an operator's search of one tenant. */
export type AuditSearchFilters = Partial<Omit<AuditFilters, 'limit' | 'cursor'>> & { tenantId?: string }

/** The tenant log's operator access rows, as a condition on `action`. */
export function operatorAccessCondition(bind: Bind): string {
  return `action IN (${operatorAccessActions.map((action) => bind(action)).join(', ')})`
}

export function auditConditions(filters: AuditSearchFilters, bind: Bind): string[] {
  const conditions: string[] = []
  if (filters.tenantId) conditions.push(`tenant_id = ${bind(filters.tenantId, 'uuid')}`)
  if (filters.action) {
    conditions.push(
      filters.action.endsWith('.*') ? `action LIKE ${bind(`${filters.action.slice(0, -2)}.%`)}` : `action = ${bind(filters.action)}`,
    )
  }
  if (filters.actorId) conditions.push(`actor_id = ${bind(filters.actorId, 'uuid')}`)
  if (filters.from) conditions.push(`at >= ${bind(filters.from, 'timestamptz')}`)
  if (filters.to) conditions.push(`at < ${bind(filters.to, 'timestamptz')}`)
  if (filters.q) conditions.push(`search_text LIKE ${bind(likePattern(filters.q))}`)
  if (filters.targetId) conditions.push(`target_id = ${bind(filters.targetId)}`)
  if (filters.operatorAccess === 'exclude') conditions.push(`NOT ${operatorAccessCondition(bind)}`)
  return conditions
}
