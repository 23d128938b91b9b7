/**
 * @module invitation-repository
 * Rows of `invitations`: only the SHA-256 of the token is stored. Lookup by token runs without a
 * tenant, under the `app.invite_token_hash` setting that lets exactly the matching row through.
 */
import type { TenantRole } from '@shared/permissions.js'
import type { DbClient } from '../db/pools.js'

export interface InvitationRow {
  id: string
  tenant_id: string
  email: string
  role: TenantRole
  expires_at: Date
  accepted_at: Date | null
  revoked_at: Date | null
}

export const invitationLifetimeMillis = 7 * 24 * 60 * 60 * 1000

export async function insertInvitation(
  client: DbClient,
  invitation: { tenantId: string; email: string; role: TenantRole; tokenHash: Buffer; invitedBy: string | null; expiresAt: Date },
): Promise<InvitationRow> {
  await client.query(
    'UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL',
    [invitation.tenantId, invitation.email],
  )
  const result = await client.query<InvitationRow>(
    `INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, tenant_id, email, role, expires_at, accepted_at, revoked_at`,
    [invitation.tenantId, invitation.email, invitation.role, invitation.tokenHash, invitation.invitedBy, invitation.expiresAt],
  )
  return result.rows[0]!
}

export async function findInvitationByHash(client: DbClient, tokenHash: Buffer): Promise<InvitationRow | null> {
  const result = await client.query<InvitationRow>(
    'SELECT id, tenant_id, email, role, expires_at, accepted_at, revoked_at FROM invitations WHERE token_hash = $1',
    [tokenHash],
  )
  return result.rows[0] ?? null
}

/** Marks an invitation accepted; false when it was used, revoked or expired meanwhile. */
export async function acceptInvitation(client: DbClient, tenantId: string, invitationId: string): Promise<boolean> {
  const result = await client.query(
    `UPDATE invitations SET accepted_at = now()
      WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`,
    [tenantId, invitationId],
  )
  return result.rowCount === 1
}
