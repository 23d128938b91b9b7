/**
 * @module audit-query
 * The WHERE clause of an audit search, shared by the JSON search (bound parameters) and the CSV
 * export (COPY takes no parameters, so values are inlined as escaped literals; every value has
 * already been validated by the contract's schema).
 */
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

export function auditConditions(filters: Omit<AuditFilters, 'limit' | 'cursor'> & { tenantId?: string }, bind: Bind): string[] {
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
  return conditions
}
