/**
 * @module admin-audit-routes
 * Cross-tenant audit search, its pickers' subjects and export, and the access log (operator reads
 * and writes, with their reasons). Each tenant whose rows are shown first gets an `operator.read`
 * row: for the search, the tenants of the page read (its counts are read in the same snapshot);
 * for the subjects, the tenants whose rows named a subject returned; for the streamed export, the
 * tenants having a matching row, found in the same snapshot the rows are then streamed from. The
 * access log is a read about the platform, recorded once in the platform audit log.
 */
import { auditConditions, parameterBinder } from '../audit/audit-query.js'
import { startCsvDownload, auditPage } from '../audit/audit-routes.js'
import { streamAuditCsv } from '../audit/audit-repository.js'
import { listAuditSubjects } from '../audit/audit-subjects.js'
import { decodeCursor, encodeCursor } from '../audit/pagination-cursor.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { auditedOperatorRead, operatorCall, platformOperatorRead, platformResult, readResult } from './operator-access.js'

const accessLogScope = 'access-log'

interface AccessLogRow {
  id: string
  at: Date
  at_key: string
  tenant_id: string
  tenant_name: string | null
  actor_id: string | null
  actor_name: string | null
  action: 'operator.read' | 'operator.write'
  reason: string | null
  what: string | null
}

export const adminAuditHandlers = {
  async adminListAuditLogs(context, input) {
    const call = operatorCall(context)
    return auditedOperatorRead(call, 'audit log search', async (client) => {
      const page = await auditPage(client, context.deps.cursorKey, input)
      return readResult(
        page,
        page.items.map((item) => item.tenantId),
      )
    })
  },

  async adminListAuditSubjects(context, input) {
    const call = operatorCall(context)
    return auditedOperatorRead(call, `audit log ${input.role}s`, async (client) => {
      const items = await listAuditSubjects(client, input)
      return readResult(
        { items },
        items.flatMap((item) => item.tenantIds),
      )
    })
  },

  async adminExportAuditLogs(context, input) {
    const call = operatorCall(context)
    await auditedOperatorRead(call, 'audit log CSV export', async (client) => {
      // The stream cannot be known before it is sent; the snapshot makes it exactly these tenants' rows.
      const { bind, values } = parameterBinder()
      const conditions = auditConditions(input, bind)
      const tenants = await client.query<{ id: string }>(
        `SELECT t.id FROM tenants t WHERE EXISTS (SELECT 1 FROM audit_logs WHERE audit_logs.tenant_id = t.id${conditions.map((condition) => ` AND ${condition}`).join('')})`,
        values,
      )
      return {
        tenantIds: tenants.rows.map((row) => row.id),
        async show() {
          startCsvDownload(context.response, input.tenantId ? `audit-${input.tenantId}` : 'audit-all-tenants')
          await streamAuditCsv(client, input, context.response)
        },
      }
    })
  },

  async adminAccessLog(context, input) {
    const call = operatorCall(context)
    const after = input.cursor ? decodeCursor(context.deps.cursorKey, accessLogScope, input.cursor) : null
    const { bind, values } = parameterBinder()
    const conditions = [
      "l.action IN ('operator.read', 'operator.write')",
      ...auditConditions({ tenantId: input.tenantId, actorId: input.operatorId }, bind).map((condition) => `l.${condition}`),
    ]
    if (after) conditions.push(`(l.at, l.id) < (${bind(after.key, 'timestamptz')}, ${bind(after.id, 'bigint')})`)
    const text = `SELECT l.id, l.at, l.at::text AS at_key, l.tenant_id, t.name AS tenant_name, l.actor_id, l.actor_name, l.action, l.reason, l.metadata->>'what' AS what
                    FROM audit_logs l LEFT JOIN tenants t ON t.id = l.tenant_id
                   WHERE ${conditions.join(' AND ')} ORDER BY l.at DESC, l.id DESC LIMIT ${bind(input.limit + 1, 'int')}`
    const rows = await platformOperatorRead(call, 'platform.access_log_read', 'operator access log', async (client) =>
      platformResult((await client.query<AccessLogRow>(text, values)).rows),
    )
    const page = rows.slice(0, input.limit)
    const last = page.at(-1)
    return {
      items: page.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        tenantId: row.tenant_id,
        tenantName: row.tenant_name,
        operator: { id: row.actor_id, name: row.actor_name },
        action: row.action,
        reason: row.reason,
        what: row.what,
      })),
      nextCursor:
        rows.length > input.limit && last ? encodeCursor(context.deps.cursorKey, accessLogScope, { key: last.at_key, id: last.id }) : null,
    }
  },
} satisfies DomainHandlers
