/**
 * @module member-routes
 * Handlers of the member operations.
 */
import { problems } from '../http/http-problem.js'
import type { OperationHandlers } from '../http/operation-router.js'
import { listMembers } from './member-repository.js'

export const memberHandlers: OperationHandlers = {
  async listMembers({ tenant }) {
    if (!tenant) throw problems.notFound()
    const rows = await listMembers(tenant.client, tenant.id)
    return {
      items: rows.map((row) => ({ userId: row.user_id, email: row.email, displayName: row.display_name, role: row.role, joinedAt: row.created_at.toISOString() })),
    }
  },
}
