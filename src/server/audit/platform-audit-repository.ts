/**
 * @module platform-audit-repository
 * Reading the platform audit log (migration 0011): keyset pages newest first on (at, id), and the
 * CSV export, streamed like the tenant logs' (csv-copy.ts), with the same filters.
 */
import type { Writable } from 'node:stream'
import type { PlatformAuditAction } from '@shared/audit-actions.js'
import type { PlatformAuditItem } from '@shared/contract.js'
import type { DbClient } from '../db/pools.js'
import { parameterBinder, type Bind } from './audit-query.js'
import { auditCsvCells } from './audit-repository.js'
import { csvHeaderLine, csvTimeHeader, literal, streamCsvCopy } from './csv-copy.js'
import type { CursorPosition } from './pagination-cursor.js'

export interface PlatformAuditFilters {
  action?: PlatformAuditAction
  operatorId?: string
  from?: string
  to?: string
}

function platformAuditConditions(filters: PlatformAuditFilters, bind: Bind): string[] {
  const conditions: string[] = []
  if (filters.action) conditions.push(`action = ${bind(filters.action)}`)
  if (filters.operatorId) conditions.push(`actor_id = ${bind(filters.operatorId, 'uuid')}`)
  if (filters.from) conditions.push(`at >= ${bind(filters.from, 'timestamptz')}`)
  if (filters.to) conditions.push(`at < ${bind(filters.to, 'timestamptz')}`)
  return conditions
}

const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '')

interface PlatformAuditRow {
  id: string
  at: Date
  at_key: string
  seq: string
  action: PlatformAuditAction
  actor_id: string | null
  actor_name: string | null
  ip: string | null
  request_id: string | null
  reason: string | null
  metadata: Record<string, unknown>
  prev_hash: Buffer
  hash: Buffer
}

function platformAuditRowToApi(row: PlatformAuditRow): PlatformAuditItem {
  return {
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    operator: { id: row.actor_id, name: row.actor_name },
    reason: row.reason,
    requestId: row.request_id,
    ip: row.ip,
    what: typeof row.metadata.what === 'string' ? row.metadata.what : null,
    metadata: row.metadata,
    chain: { seq: row.seq, prevHash: row.prev_hash.toString('hex'), hash: row.hash.toString('hex') },
  }
}

export async function searchPlatformAudit(
  client: DbClient,
  filters: PlatformAuditFilters & { limit: number },
  after: CursorPosition | null,
): Promise<{ items: PlatformAuditItem[]; last: CursorPosition | null }> {
  const { bind, values } = parameterBinder()
  const conditions = platformAuditConditions(filters, bind)
  if (after) conditions.push(`(at, id) < (${bind(after.key, 'timestamptz')}, ${bind(after.id, 'bigint')})`)
  const result = await client.query<PlatformAuditRow>(
    `SELECT id, at, at::text AS at_key, seq, action, actor_id, actor_name, host(ip) AS ip, request_id, reason, metadata, prev_hash, hash
       FROM platform_audit_logs ${where(conditions)}
      ORDER BY at DESC, id DESC LIMIT ${bind(filters.limit + 1, 'int')}`,
    values,
  )
  const rows = result.rows.slice(0, filters.limit)
  const lastRow = rows.at(-1)
  return {
    items: rows.map(platformAuditRowToApi),
    last: result.rows.length > filters.limit && lastRow ? { key: lastRow.at_key, id: lastRow.id } : null,
  }
}

/** The tenant export's cells (same guards, same UTC time), without the columns a platform row has not. */
const { tenant_id: _tenant, changes: _changes, ...platformAuditCsvCells } = auditCsvCells

export const platformAuditCsvHeaderNames: readonly string[] = Object.keys(platformAuditCsvCells).map((column) =>
  column === 'at' ? csvTimeHeader : column,
)

export async function streamPlatformAuditCsv(client: DbClient, filters: PlatformAuditFilters, destination: Writable): Promise<void> {
  const select = `SELECT ${Object.entries(platformAuditCsvCells)
    .map(([column, cell]) => `coalesce(${cell}, '') AS ${column}`)
    .join(', ')}
      FROM platform_audit_logs ${where(platformAuditConditions(filters, literal))}
     ORDER BY platform_audit_logs.at DESC, platform_audit_logs.id DESC`
  await streamCsvCopy(client, select, csvHeaderLine(platformAuditCsvHeaderNames), destination)
}
