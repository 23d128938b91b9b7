/**
 * @module audit-subjects
 * The choices of the explorer's actor and target pickers: who acted (distinct actor ids), or what
 * was acted on (distinct target ids), in an audit log, with the name on the newest row for each
 * id (names are resolved when each event is written, so an id's name can change along the log)
 * and how many events name it; most frequent first.
 *
 * In one tenant it groups that tenant's rows, which the (tenant_id, …) indexes find. Across every
 * tenant it groups only the newest `crossTenantWindow` rows naming a subject, so its cost does not
 * grow with the log: the pickers offer who is active, and counts say how often in that window.
 */
import type { OperationOutput } from '@shared/contract.js'
import type { DbClient } from '../db/pools.js'
import { likePattern, parameterBinder } from './audit-query.js'

export type AuditSubjectRole = 'actor' | 'target'

export interface AuditSubjectQuery {
  role: AuditSubjectRole
  q?: string
  limit: number
  /** One tenant's log; every tenant's when absent (operators only). */
  tenantId?: string
}

/** A subject with the tenants whose rows name it (in the rows grouped): the operator route's item. */
export type AuditSubject = OperationOutput<'adminListAuditSubjects'>['items'][number]

/** How many of the newest rows a search across every tenant groups. */
export const crossTenantWindow = 50_000

const subjectColumns = {
  actor: { type: 'actor_type', id: 'actor_id', name: 'actor_name' },
  target: { type: 'target_type', id: 'target_id', name: 'target_name' },
} as const

export async function listAuditSubjects(client: DbClient, query: AuditSubjectQuery): Promise<AuditSubject[]> {
  const { bind, values } = parameterBinder()
  const column = subjectColumns[query.role]
  const columns = `id, tenant_id, ${column.type}, ${column.id}`
  const source = query.tenantId
    ? `SELECT ${columns} FROM audit_logs WHERE tenant_id = ${bind(query.tenantId, 'uuid')} AND ${column.id} IS NOT NULL`
    : `SELECT ${columns} FROM audit_logs WHERE ${column.id} IS NOT NULL ORDER BY at DESC, id DESC LIMIT ${bind(crossTenantWindow, 'int')}`
  const pattern = query.q ? bind(likePattern(query.q)) : null
  // Grouped per tenant first (a hash aggregate, no sort of every row), then per subject. The
  // newest row of an id is the last one appended to the log: the highest id.
  const result = await client.query<{ type: string; id: string; name: string | null; events: number; tenant_ids: string[] }>(
    `SELECT subject.type, subject.id, newest.${column.name} AS name, subject.events, subject.tenant_ids
       FROM (SELECT type, id, sum(events)::int AS events, max(newest_id) AS newest_id, array_agg(tenant_id::text ORDER BY tenant_id) AS tenant_ids
               FROM (SELECT coalesce(logged.${column.type}, '') AS type, logged.${column.id}::text AS id, logged.tenant_id,
                            count(*) AS events, max(logged.id) AS newest_id
                       FROM (${source}) logged
                      GROUP BY 1, 2, 3) per_tenant
              GROUP BY type, id) subject
       JOIN audit_logs newest ON newest.id = subject.newest_id
      ${pattern ? `WHERE lower(newest.${column.name}) LIKE ${pattern} OR lower(subject.id) LIKE ${pattern}` : ''}
      ORDER BY subject.events DESC, lower(newest.${column.name}) NULLS LAST, subject.id
      LIMIT ${bind(query.limit, 'int')}`,
    values,
  )
  return result.rows.map((row) => ({ type: row.type, id: row.id, name: row.name, events: row.events, tenantIds: row.tenant_ids }))
}
