/**
 * @module invitation-to-api
 * Pending invitation rows as the API shows them: to the tenant's owners and admins, and to the
 * invited person (with the tenant that asks).
 */
import type { PendingInvitationRow } from './invitation-repository.js'

export function invitationToApi(row: PendingInvitationRow) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by_email,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  }
}

export function myInvitationToApi(row: PendingInvitationRow, tenant: { name: string; slug: string }) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantName: tenant.name,
    tenantSlug: tenant.slug,
    role: row.role,
    invitedBy: row.invited_by_email,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  }
}
