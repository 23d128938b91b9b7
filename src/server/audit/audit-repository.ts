/**
 * @module audit-repository
 * Reading the audit log: keyset pages newest first on (at, id), which the (tenant_id, at, id)
 * index serves at the same cost on the first page and the ten-millionth; and the CSV export,
 * streamed by COPY straight from PostgreSQL with backpressure, never held in memory, with every
 * cell quoted and formulas neutralised for spreadsheets that split on `,` or on `;`.
 */
import type { Writable } from 'node:stream'
import type { AuditFilters, AuditLogItem } from '@shared/contract.js'
import type { DbClient } from '../db/pools.js'
import { auditConditions, parameterBinder, type AuditSearchFilters } from './audit-query.js'
import { csvHeaderLine, csvTimeHeader, guarded, literal, streamCsvCopy, utcIsoCell } from './csv-copy.js'
import type { CursorPosition } from './pagination-cursor.js'

interface AuditRowFromDb {
  id: string
  tenant_id: string
  at: Date
  at_key: string
  seq: string
  action: string
  actor_type: AuditLogItem['actor']['type']
  actor_id: string | null
  actor_name: string | null
  target_type: string | null
  target_id: string | null
  target_name: string | null
  ip: string | null
  user_agent: string | null
  request_id: string | null
  reason: string | null
  changes: AuditLogItem['changes']
  metadata: Record<string, unknown>
  prev_hash: Buffer
  hash: Buffer
}

export function auditRowToApi(row: AuditRowFromDb): AuditLogItem {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    at: row.at.toISOString(),
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    target: { type: row.target_type, id: row.target_id, name: row.target_name },
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    reason: row.reason,
    changes: row.changes,
    metadata: row.metadata,
    chain: { seq: row.seq, prevHash: row.prev_hash.toString('hex'), hash: row.hash.toString('hex') },
  }
}

export interface AuditPage {
  items: AuditLogItem[]
  last: CursorPosition | null
}

export async function searchAuditLogs(
  client: DbClient,
  filters: AuditSearchFilters & Pick<AuditFilters, 'limit'>,
  after: CursorPosition | null,
): Promise<AuditPage> {
  const { bind, values } = parameterBinder()
  const conditions = auditConditions(filters, bind)
  if (after) conditions.push(`(at, id) < (${bind(after.key, 'timestamptz')}, ${bind(after.id, 'bigint')})`)
  const limit = bind(filters.limit + 1, 'int')
  const result = await client.query<AuditRowFromDb>(
    `SELECT id, tenant_id, at, at::text AS at_key, seq, action, actor_type, actor_id, actor_name, target_type, target_id, target_name,
            host(ip) AS ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash
       FROM audit_logs
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY at DESC, id DESC
      LIMIT ${limit}`,
    values,
  )
  const rows = result.rows.slice(0, filters.limit)
  const lastRow = rows.at(-1)
  return {
    items: rows.map(auditRowToApi),
    last: result.rows.length > filters.limit && lastRow ? { key: lastRow.at_key, id: lastRow.id } : null,
  }
}

export const auditCsvColumns = [
  'id',
  'at',
  'tenant_id',
  'action',
  'actor_type',
  'actor_id',
  'actor_name',
  'target_type',
  'target_id',
  'target_name',
  'ip',
  'user_agent',
  'request_id',
  'reason',
  'changes',
  'metadata',
  'seq',
  'hash',
] as const
type AuditCsvColumn = (typeof auditCsvColumns)[number]

/**
 * Each column as text; NULL becomes '' because COPY's FORCE_QUOTE leaves a NULL unquoted. The
 * cells take the columns' names, so the export's ORDER BY names the table's columns explicitly.
 */
export const auditCsvCells: Record<AuditCsvColumn, string> = {
  id: 'id::text',
  at: utcIsoCell('at'),
  tenant_id: 'tenant_id::text',
  action: guarded('action'),
  actor_type: 'actor_type::text',
  actor_id: 'actor_id::text',
  actor_name: guarded('actor_name'),
  target_type: guarded('target_type'),
  target_id: guarded('target_id'),
  target_name: guarded('target_name'),
  ip: 'host(ip)',
  user_agent: guarded('user_agent'),
  request_id: guarded('request_id'),
  reason: guarded('reason'),
  changes: guarded('changes::text'),
  metadata: guarded('metadata::text'),
  seq: 'seq::text',
  hash: `encode(hash, 'hex')`,
}

/** The header of the time column says what its cells hold; the others are the columns' names. */
export const auditCsvHeaderNames: readonly string[] = auditCsvColumns.map((column) => (column === 'at' ? csvTimeHeader : column))

/** COPY leaves its own header unquoted, so the header is written here, quoted like the cells. */
const auditCsvHeader = csvHeaderLine(auditCsvHeaderNames)

/** Streams the matching rows as CSV into `destination`, newest first (csv-copy.ts). */
export async function streamAuditCsv(client: DbClient, filters: AuditSearchFilters, destination: Writable): Promise<void> {
  const conditions = auditConditions(filters, literal)
  const select = `SELECT ${auditCsvColumns.map((column) => `coalesce(${auditCsvCells[column]}, '') AS ${column}`).join(', ')}
        FROM audit_logs
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY audit_logs.at DESC, audit_logs.id DESC`
  await streamCsvCopy(client, select, auditCsvHeader, destination)
}
