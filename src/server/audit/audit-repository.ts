/**
 * @module audit-repository
 * Reading the audit log: keyset pages newest first on (at, id), which the (tenant_id, at, id)
 * index serves at the same cost on the first page and the ten-millionth; and the CSV export,
 * streamed by COPY straight from PostgreSQL with backpressure, never held in memory, with every
 * cell quoted and formulas neutralised for spreadsheets that split on `,` or on `;`.
 */
import { pipeline } from 'node:stream/promises'
import { Transform, type Writable } from 'node:stream'
import { to as copyTo } from 'pg-copy-streams'
import type { AuditFilters, AuditLogItem } from '@shared/contract.js'
import { abandonConnection, quoteLiteral, type DbClient } from '../db/pools.js'
import { auditConditions, parameterBinder, type Bind } from './audit-query.js'
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
  filters: AuditFilters & { tenantId?: string },
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

const literal: Bind = (value, cast) => `${quoteLiteral(String(value))}${cast ? `::${cast}` : ''}`

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
 * A free-text cell a spreadsheet must not run: csv_safe guards a leading = + - @ tab or CR, and
 * the same characters right after a `;` are guarded too, because a spreadsheet that splits on `;`
 * (Excel in many locales) starts a new cell there and honours a quote only at a cell's start.
 */
const guarded = (text: string) =>
  // The regular expression runs only on values that hold a `;`: most cells skip it, which keeps the export near COPY's own speed.
  `csv_safe(CASE WHEN strpos(${text}, ';') > 0 THEN regexp_replace(${text}, ';(?=[=+@\\t\\r-])', ';''', 'g') ELSE ${text} END)`

/**
 * Each column as text; NULL becomes '' because COPY's FORCE_QUOTE leaves a NULL unquoted. The
 * cells take the columns' names, so the export's ORDER BY names the table's columns explicitly.
 */
const auditCsvCells: Record<AuditCsvColumn, string> = {
  id: 'id::text',
  at: `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
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

/** COPY leaves its own header unquoted, so the header is written here, quoted like the cells. */
const auditCsvHeader = `${auditCsvColumns.map((column) => `"${column}"`).join(',')}\n`

/**
 * Streams the matching rows as CSV into `destination`, every cell quoted (RFC 4180) so a comma,
 * quote, `;` or line break inside a value stays in its cell. An abandoned stream cuts the connection.
 */
export async function streamAuditCsv(
  client: DbClient,
  filters: Omit<AuditFilters, 'limit' | 'cursor'> & { tenantId?: string },
  destination: Writable,
): Promise<void> {
  const conditions = auditConditions(filters, literal)
  const query = `COPY (
      SELECT ${auditCsvColumns.map((column) => `coalesce(${auditCsvCells[column]}, '') AS ${column}`).join(', ')}
        FROM audit_logs
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY audit_logs.at DESC, audit_logs.id DESC
    ) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)`
  const copy = client.query(copyTo(query))
  try {
    await pipeline(copy, headerFirst(auditCsvHeader), destination)
  } catch (error) {
    abandonConnection(client)
    throw error
  }
}

/**
 * Passes the rows through with `header` in front, sent with the first chunk (or alone at the end),
 * so a query that fails at once still fails before the answer has started.
 */
function headerFirst(header: string): Transform {
  let sent = false
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!sent) {
        sent = true
        this.push(header)
      }
      callback(null, chunk)
    },
    flush(callback) {
      callback(null, sent ? undefined : header)
    },
  })
}
