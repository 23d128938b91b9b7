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
  declined_at: Date | null
}

/** A pending invitation with the email of whoever sent it. */
export interface PendingInvitationRow {
  id: string
  tenant_id: string
  email: string
  role: TenantRole
  invited_by_email: string | null
  created_at: Date
  expires_at: Date
}

const pending = 'i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.declined_at IS NULL AND i.expires_at > now()'
const pendingColumns = 'i.id, i.tenant_id, i.email, i.role, inviter.email AS invited_by_email, i.created_at, i.expires_at'

export const invitationLifetimeMillis = 7 * 24 * 60 * 60 * 1000

export async function insertInvitation(
  client: DbClient,
  invitation: { tenantId: string; email: string; role: TenantRole; tokenHash: Buffer; invitedBy: string | null; expiresAt: Date },
): Promise<InvitationRow> {
  await client.query(
    'UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL',
    [invitation.tenantId, invitation.email],
  )
  const result = await client.query<InvitationRow>(
    `INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING id, tenant_id, email, role, expires_at, accepted_at, revoked_at, declined_at`,
    [invitation.tenantId, invitation.email, invitation.role, invitation.tokenHash, invitation.invitedBy, invitation.expiresAt],
  )
  return result.rows[0]!
}

export async function findInvitationByHash(client: DbClient, tokenHash: Buffer): Promise<InvitationRow | null> {
  const result = await client.query<InvitationRow>(
    'SELECT id, tenant_id, email, role, expires_at, accepted_at, revoked_at, declined_at FROM invitations WHERE token_hash = $1',
    [tokenHash],
  )
  return result.rows[0] ?? null
}

/**
 * Ends a pending invitation as accepted, declined or revoked; null when it was not pending (used,
 * answered, revoked or expired meanwhile). `email`, when given, must be the invitation's own.
 */
export async function closeInvitation(
  client: DbClient,
  invitation: { tenantId: string; id: string; email?: string },
  outcome: 'accepted' | 'declined' | 'revoked',
): Promise<{ id: string; email: string; role: TenantRole } | null> {
  const column = { accepted: 'accepted_at', declined: 'declined_at', revoked: 'revoked_at' }[outcome]
  const result = await client.query<{ id: string; email: string; role: TenantRole }>(
    `UPDATE invitations i SET ${column} = now()
      WHERE i.tenant_id = $1 AND i.id = $2 AND ($3::text IS NULL OR i.email = $3) AND ${pending}
      RETURNING i.id, i.email, i.role`,
    [invitation.tenantId, invitation.id, invitation.email ?? null],
  )
  return result.rows[0] ?? null
}

/**
 * Gives a pending invitation a new token and a new lifetime: the old link stops working. Null when
 * it is no longer pending.
 */
export async function renewInvitationToken(
  client: DbClient,
  invitation: { tenantId: string; id: string },
  renewal: { tokenHash: Buffer; expiresAt: Date },
): Promise<{ id: string; email: string; role: TenantRole; expires_at: Date } | null> {
  const result = await client.query<{ id: string; email: string; role: TenantRole; expires_at: Date }>(
    `UPDATE invitations i SET token_hash = $3, expires_at = $4
      WHERE i.tenant_id = $1 AND i.id = $2 AND ${pending}
      RETURNING i.id, i.email, i.role, i.expires_at`,
    [invitation.tenantId, invitation.id, renewal.tokenHash, renewal.expiresAt],
  )
  return result.rows[0] ?? null
}

/** A tenant's pending invitations, newest first. */
export async function listPendingInvitations(client: DbClient, tenantId: string): Promise<PendingInvitationRow[]> {
  const result = await client.query<PendingInvitationRow>(
    `SELECT ${pendingColumns} FROM invitations i LEFT JOIN users inviter ON inviter.id = i.invited_by
      WHERE i.tenant_id = $1 AND ${pending} ORDER BY i.created_at DESC`,
    [tenantId],
  )
  return result.rows
}

/**
 * The pending invitations addressed to a user's email, across tenants: needs the transaction's
 * `app.current_user_id`, under which RLS shows that user's invitations and no others.
 */
export async function listInvitationsForUser(client: DbClient, userId: string, invitationId?: string): Promise<PendingInvitationRow[]> {
  const result = await client.query<PendingInvitationRow>(
    `SELECT ${pendingColumns} FROM invitations i JOIN users invitee ON invitee.id = $1 AND invitee.email = i.email
       LEFT JOIN users inviter ON inviter.id = i.invited_by
      WHERE ${pending} AND ($2::uuid IS NULL OR i.id = $2) ORDER BY i.created_at DESC`,
    [userId, invitationId ?? null],
  )
  return result.rows
}
