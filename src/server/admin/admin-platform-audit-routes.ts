/**
 * @module admin-platform-audit-routes
 * The platform audit log, newest first, and its CSV export. Both are platform reads themselves:
 * a search adds its own row (committed after the page is read, so a page never shows its own
 * read), and an export's row is committed before the first byte is streamed.
 */
import { startCsvDownload } from '../audit/audit-routes.js'
import { decodeCursor, encodeCursor } from '../audit/pagination-cursor.js'
import { searchPlatformAudit, streamPlatformAuditCsv } from '../audit/platform-audit-repository.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { operatorCall, platformOperatorRead, platformResult } from './operator-access.js'

const platformAuditCursorScope = 'platform-audit-log'

export const adminPlatformAuditHandlers = {
  async adminPlatformAuditLog(context, input) {
    const call = operatorCall(context)
    const after = input.cursor ? decodeCursor(context.deps.cursorKey, platformAuditCursorScope, input.cursor) : null
    const page = await platformOperatorRead(call, 'platform.audit_log_read', 'platform audit log', async (client) =>
      platformResult(await searchPlatformAudit(client, input, after)),
    )
    return {
      items: page.items,
      nextCursor: page.last ? encodeCursor(context.deps.cursorKey, platformAuditCursorScope, page.last) : null,
    }
  },

  async adminExportPlatformAuditLog(context, input) {
    const call = operatorCall(context)
    await platformOperatorRead(call, 'platform.audit_log_exported', 'platform audit log CSV export', async (client) => ({
      metadata: { filters: input },
      async show() {
        startCsvDownload(context.response, 'platform-audit')
        await streamPlatformAuditCsv(client, input, context.response)
      },
    }))
  },
} satisfies DomainHandlers
