/**
 * @module audit-routes
 * Handlers of a tenant's audit search (with its counts on the first page), its pickers' subjects
 * and its CSV export. The export writes its own `audit.exported` row (committed first) and then
 * streams.
 */
import type { Response } from 'express'
import { withTenant } from '../db/with-tenant.js'
import type { DbClient } from '../db/pools.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { resolveActor } from './actor.js'
import { countAuditRows } from './audit-counts.js'
import { listAuditSubjects } from './audit-subjects.js'
import { searchAuditLogs, streamAuditCsv } from './audit-repository.js'
import { writeAudit } from './audit-writer.js'
import { decodeCursor, encodeCursor } from './pagination-cursor.js'

export const auditCursorScope = 'audit'

export function startCsvDownload(response: Response, fileStem: string): void {
  response.status(200)
  response.setHeader('Content-Type', 'text/csv; charset=utf-8')
  response.setHeader('Content-Disposition', `attachment; filename="${fileStem}-${new Date().toISOString().slice(0, 10)}.csv"`)
}

/** One page of a search; the first page (no cursor) also counts what matches, on the same client. */
export async function auditPage(client: DbClient, cursorKey: Buffer, input: Parameters<typeof searchAuditLogs>[1] & { cursor?: string }) {
  const after = input.cursor ? decodeCursor(cursorKey, auditCursorScope, input.cursor) : null
  const page = await searchAuditLogs(client, input, after)
  return {
    items: page.items,
    nextCursor: page.last ? encodeCursor(cursorKey, auditCursorScope, page.last) : null,
    counts: after ? null : await countAuditRows(client, input),
  }
}

export const auditHandlers = {
  async listAuditLogs({ tenant, deps }, input) {
    return auditPage(tenant.client, deps.cursorKey, { ...input, tenantId: tenant.id })
  },

  async listAuditSubjects({ tenant }, input) {
    const subjects = await listAuditSubjects(tenant.client, { role: input.role, q: input.q, limit: input.limit, tenantId: tenant.id })
    return { items: subjects.map(({ tenantIds: _tenantIds, ...subject }) => subject) }
  },

  async exportAuditLogs({ tenantAuthorized: tenant, deps, principal, meta, response }, input) {
    const { tenantId: _tenantId, ...filters } = input
    // Committed before the first byte, so an export that is cut short is still on record.
    await withTenant(deps.pools.app, tenant.id, async (client) =>
      writeAudit(client, {
        tenantId: tenant.id,
        action: 'audit.exported',
        actor: await resolveActor(client, principal),
        target: { type: 'audit_log', id: tenant.id, name: 'CSV export' },
        request: meta,
        metadata: { filters },
      }),
    )
    startCsvDownload(response, `audit-${tenant.id}`)
    await withTenant(deps.pools.app, tenant.id, (client) => streamAuditCsv(client, { ...filters, tenantId: tenant.id }, response), {
      readOnly: true,
    })
  },
} satisfies DomainHandlers
