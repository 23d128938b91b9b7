/**
 * @module sso-identity-repository
 * Rows of the global `sso_identities` table (migration 0013): a person at an issuer (issuer,
 * subject), linked to a user at their first sign-in and followed by that link afterwards, whatever
 * the email the identity provider sends later.
 */
import type { DbClient } from '../db/pools.js'

export async function findLinkedUserId(client: DbClient, issuer: string, subject: string): Promise<string | null> {
  const result = await client.query<{ user_id: string }>('SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2', [
    issuer,
    subject,
  ])
  return result.rows[0]?.user_id ?? null
}

/** Whether `userId` is linked to another subject at this issuer already (an email reassigned at the provider). */
export async function linkedToAnotherSubject(client: DbClient, issuer: string, subject: string, userId: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM sso_identities WHERE issuer = $1 AND user_id = $2 AND subject <> $3', [
    issuer,
    userId,
    subject,
  ])
  return (result.rowCount ?? 0) > 0
}

/** Links the identity to `userId`, unless it was linked meanwhile; returns the user it is linked to. */
export async function linkIdentity(client: DbClient, identity: { issuer: string; subject: string; userId: string }): Promise<string> {
  const result = await client.query<{ user_id: string }>(
    `INSERT INTO sso_identities (issuer, subject, user_id) VALUES ($1, $2, $3)
     ON CONFLICT (issuer, subject) DO UPDATE SET last_sign_in_at = now() RETURNING user_id`,
    [identity.issuer, identity.subject, identity.userId],
  )
  return result.rows[0]!.user_id
}

export async function touchIdentity(client: DbClient, issuer: string, subject: string): Promise<void> {
  await client.query('UPDATE sso_identities SET last_sign_in_at = now() WHERE issuer = $1 AND subject = $2', [issuer, subject])
}
