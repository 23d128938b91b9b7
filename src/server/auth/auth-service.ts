/**
 * @module auth-service
 * Sign-in, refresh-token rotation, sign-out and password change.
 * - An unknown email and a wrong password get the same answer in the same time: the password is
 *   verified against a dummy hash when there is no user, and the failure's audit rows are
 *   written after the answer.
 * - Refresh tokens rotate on every use. Presenting one that was already used means it was
 *   copied: its whole family is revoked and `auth.refresh_reuse` is written.
 * - Auth events go into the audit log of every tenant the user belongs to; a session from a
 *   tenant's single sign-on reaches that tenant only, and so do its events.
 * - Every session records how it was opened (its origin) in user_sessions and in its access
 *   tokens' claims; a refresh keeps it.
 */
import { randomUUID } from 'node:crypto'
import type { Session, SessionOrigin } from '@shared/contract.js'
import { switchTenant, writeAudit, type AuditRequestMeta } from '../audit/audit-writer.js'
import { createCsrfToken } from '../crypto/csrf-token.js'
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from '../crypto/passwords.js'
import { randomToken, sha256 } from '../crypto/random-token.js'
import type { DbClient } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { listUserMemberships } from '../members/member-repository.js'
import { assertLoginAllowed, recordLoginFailure, recordLoginSuccess } from '../middleware/rate-limit.js'
import { closeInvitation, findInvitationByHash } from '../members/invitation-repository.js'
import { joinByInvitation } from '../members/my-invitations.js'
import { isUniqueViolation } from '../db/pg-errors.js'
import { findUserByEmail, findUserById, insertUser, normaliseEmail, updatePasswordHash, type UserRow } from '../users/user-repository.js'
import {
  findRefreshToken,
  insertRefreshToken,
  markRefreshTokenUsed,
  revokeRefreshFamily,
  revokeUserRefreshFamilies,
} from './refresh-token-repository.js'
import { refreshTokenLifetimeMillis } from './session-cookies.js'
import { insertUserSession, touchUserSession } from './user-session-repository.js'
import type { AuditAction } from '@shared/audit-actions.js'

let dummyHash: Promise<string> | undefined
/** A hash of a random password, verified when the email is unknown so both paths cost the same. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomToken(24))
  return dummyHash
}

async function passwordMatches(hash: string, password: string): Promise<boolean> {
  try {
    return await verifyPassword(hash, password)
  } catch {
    return false
  }
}

export interface AuthEvent {
  action: Extract<AuditAction, `auth.${string}`>
  metadata?: Record<string, unknown>
}

/**
 * Writes one auth event into the log of every tenant `user` belongs to, on the caller's
 * transaction; only into `onlyTenantId`'s when given (a session scoped to that tenant).
 */
export async function auditForUser(
  client: DbClient,
  user: Pick<UserRow, 'id' | 'email'>,
  event: AuthEvent,
  meta: AuditRequestMeta,
  onlyTenantId: string | null = null,
  target: { type: string; id: string } = { type: 'user', id: user.id },
): Promise<void> {
  const memberships = (await listUserMemberships(client, user.id)).filter(
    (membership) => onlyTenantId === null || membership.tenant_id === onlyTenantId,
  )
  for (const membership of memberships) {
    await switchTenant(client, membership.tenant_id)
    await writeAudit(client, {
      tenantId: membership.tenant_id,
      action: event.action,
      actor: { type: 'user', id: user.id, name: user.email },
      target: { ...target, name: target.type === 'user' ? user.email : null },
      request: meta,
      metadata: event.metadata,
    })
  }
}

function newRefreshToken(): { token: string; hash: Buffer; expiresAt: Date } {
  const token = randomToken(32)
  return { token, hash: sha256(token), expiresAt: new Date(Date.now() + refreshTokenLifetimeMillis) }
}

export interface IssuedSession {
  session: Session
  refreshToken: string
  csrfToken: string
}

export async function login(
  deps: ServerDependencies,
  credentials: { email: string; password: string },
  meta: AuditRequestMeta,
): Promise<IssuedSession> {
  const account = normaliseEmail(credentials.email)
  const ip = meta.ip ?? 'unknown'
  await assertLoginAllowed(deps.rateLimits, ip, account)
  const user = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findUserByEmail(client, account))
  const verified = await passwordMatches(user?.password_hash ?? (await dummyPasswordHash()), credentials.password)
  if (!user || !verified) {
    await recordLoginFailure(deps.rateLimits, ip, account)
    deps.log.info({ event: 'auth.login_failed', known: Boolean(user) }, 'sign-in failed')
    if (user) {
      // After the answer, so a known email costs no more time than an unknown one.
      setImmediate(() => {
        inTransaction(deps.pools.app, { userId: user.id }, (client) =>
          auditForUser(client, user, { action: 'auth.login_failed', metadata: { reason: 'wrong_password' } }, meta),
        ).catch((error: Error) => deps.log.error({ err: { message: error.message } }, 'could not audit a failed sign-in'))
      })
    }
    throw problems.unauthorized('wrong email or password')
  }
  await recordLoginSuccess(deps.rateLimits, account)
  const rehashed = needsRehash(user.password_hash) ? await hashPassword(credentials.password) : null
  return openSession(deps, user, meta, {
    origin: { method: 'password', sso: null },
    alsoInTransaction: rehashed ? (client) => updatePasswordHash(client, user.id, rehashed) : undefined,
  })
}

/** What `auth.login` says about how the session was opened: the method, and the issuer after single sign-on. */
function loginMetadata(sessionId: string, origin: SessionOrigin): Record<string, unknown> {
  return origin.sso
    ? { sessionId, method: origin.method, issuer: origin.sso.issuer, amr: origin.sso.amr }
    : { sessionId, method: origin.method }
}

/**
 * A new refresh family, an access token and a CSRF token for `user`, recorded with its origin in
 * user_sessions; `auth.login` in each of its tenants (only the provider's tenant for a session
 * from a tenant's single sign-on, whose memberships are the only ones it lists).
 */
export async function openSession(
  deps: ServerDependencies,
  user: Pick<UserRow, 'id' | 'email' | 'is_platform_admin'>,
  meta: AuditRequestMeta,
  options: { origin: SessionOrigin; alsoInTransaction?: (client: DbClient) => Promise<void> },
): Promise<IssuedSession> {
  const familyId = randomUUID()
  const refresh = newRefreshToken()
  const { origin } = options
  const scopedTo = origin.sso?.tenantId ?? null
  const memberships = await inTransaction(deps.pools.app, { userId: user.id }, async (client) => {
    if (options.alsoInTransaction) await options.alsoInTransaction(client)
    await insertRefreshToken(client, { familyId, userId: user.id, tokenHash: refresh.hash, expiresAt: refresh.expiresAt })
    await insertUserSession(client, { id: familyId, userId: user.id, origin, expiresAt: refresh.expiresAt, seen: meta })
    const rows = (await listUserMemberships(client, user.id)).filter((row) => scopedTo === null || row.tenant_id === scopedTo)
    await auditForUser(client, user, { action: 'auth.login', metadata: loginMetadata(familyId, origin) }, meta, scopedTo)
    return rows
  })
  const access = await deps.accessTokens.issue({ userId: user.id, sessionId: familyId, origin })
  return {
    session: {
      accessToken: access.accessToken,
      expiresIn: access.expiresIn,
      user: { id: user.id, email: user.email, isPlatformAdmin: user.is_platform_admin },
      memberships: memberships.map((row) => ({ tenantId: row.tenant_id, tenantSlug: row.tenant_slug, role: row.role })),
      origin,
    },
    refreshToken: refresh.token,
    csrfToken: createCsrfToken(deps.csrfKey, familyId),
  }
}

const invalidInvitation = () =>
  problems.badRequest('this invitation is not valid: it was used, declined, revoked or has expired; ask for a new one')
const existingAccount = () =>
  problems.conflict('this email already has an account: sign in to it and accept the invitation from your pending invitations')

/**
 * Accepts an invitation by its token for an email that has no account yet: creates that account
 * with the given password, adds the membership and signs in. For an email that already has an
 * account no password is checked at all — that account accepts from its own signed-in session
 * (GET /me/invitations) — so the token can never be used to guess a password. Single use: the
 * invitation is closed in the same transaction.
 */
export async function acceptInvite(
  deps: ServerDependencies,
  input: { token: string; password: string },
  meta: AuditRequestMeta,
): Promise<IssuedSession> {
  if (!/^lmi_[A-Za-z0-9_-]{43}$/.test(input.token)) throw invalidInvitation()
  const tokenHash = sha256(input.token)
  const invitation = await inTransaction(deps.pools.app, { inviteTokenHash: tokenHash.toString('hex'), readOnly: true }, (client) =>
    findInvitationByHash(client, tokenHash),
  )
  if (
    !invitation ||
    invitation.accepted_at ||
    invitation.revoked_at ||
    invitation.declined_at ||
    invitation.expires_at.getTime() <= Date.now()
  )
    throw invalidInvitation()
  const accountExists = async (): Promise<boolean> =>
    (
      await inTransaction(deps.pools.app, { readOnly: true }, (client) =>
        client.query('SELECT 1 FROM users WHERE email = $1', [invitation.email]),
      )
    ).rowCount !== 0
  if (await accountExists()) throw existingAccount()
  const problem = passwordProblem(input.password)
  if (problem) throw problems.badRequest(problem, [{ path: 'password', message: problem }])
  const passwordHash = await hashPassword(input.password)
  let user: UserRow
  try {
    user = await withTenant(deps.pools.app, invitation.tenant_id, async (client) => {
      if (!(await client.query('SELECT 1 FROM tenants WHERE id = $1 AND deleted_at IS NULL', [invitation.tenant_id])).rowCount)
        throw invalidInvitation()
      const joined = await insertUser(client, { email: invitation.email, passwordHash })
      if (!(await closeInvitation(client, { tenantId: invitation.tenant_id, id: invitation.id }, 'accepted'))) throw invalidInvitation()
      await joinByInvitation(client, {
        tenantId: invitation.tenant_id,
        invitationId: invitation.id,
        role: invitation.role,
        user: joined,
        meta,
      })
      return joined
    })
  } catch (error) {
    // The account was created by another request meanwhile (another invitation of the same email).
    if (isUniqueViolation(error)) throw existingAccount()
    throw error
  }
  return openSession(deps, user, meta, { origin: { method: 'invitation', sso: null } })
}

export interface ResolvedSession {
  familyId: string
  userId: string
  tokenId: string
  alreadyUsed: boolean
}

/** The session a refresh-token cookie belongs to; null when the token is unknown, revoked or expired. */
export async function resolveRefreshSession(deps: ServerDependencies, refreshToken: string | undefined): Promise<ResolvedSession | null> {
  if (!refreshToken || refreshToken.length > 100) return null
  const row = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findRefreshToken(client, sha256(refreshToken)))
  if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) return null
  return { familyId: row.family_id, userId: row.user_id, tokenId: row.id, alreadyUsed: row.used_at !== null }
}

async function revokeForReuse(deps: ServerDependencies, session: ResolvedSession, meta: AuditRequestMeta): Promise<never> {
  await inTransaction(deps.pools.app, { userId: session.userId }, async (client) => {
    await revokeRefreshFamily(client, session.familyId, 'refresh_token_reused')
    const user = await findUserById(client, session.userId)
    if (user) await auditForUser(client, user, { action: 'auth.refresh_reuse', metadata: { sessionId: session.familyId } }, meta)
  })
  deps.log.warn({ event: 'auth.refresh_reuse', sessionId: session.familyId }, 'refresh token reused: session revoked')
  throw problems.unauthorized('this refresh token was already used; the session has been revoked for safety, sign in again')
}

export async function refresh(
  deps: ServerDependencies,
  session: ResolvedSession,
  meta: AuditRequestMeta,
): Promise<{ accessToken: string; expiresIn: number; refreshToken: string; csrfToken: string }> {
  if (session.alreadyUsed) return revokeForReuse(deps, session, meta)
  const next = newRefreshToken()
  const origin = await inTransaction(deps.pools.app, {}, async (client) => {
    if (!(await markRefreshTokenUsed(client, session.tokenId))) return null
    const user = await findUserById(client, session.userId)
    if (!user) throw problems.unauthorized('the account is no longer active')
    await insertRefreshToken(client, {
      familyId: session.familyId,
      userId: session.userId,
      tokenHash: next.hash,
      expiresAt: next.expiresAt,
    })
    return touchUserSession(client, { id: session.familyId, userId: session.userId, expiresAt: next.expiresAt, seen: meta })
  })
  if (!origin) return revokeForReuse(deps, session, meta)
  const access = await deps.accessTokens.issue({ userId: session.userId, sessionId: session.familyId, origin })
  return { ...access, refreshToken: next.token, csrfToken: createCsrfToken(deps.csrfKey, session.familyId) }
}

export async function logout(deps: ServerDependencies, session: ResolvedSession, meta: AuditRequestMeta): Promise<void> {
  await inTransaction(deps.pools.app, { userId: session.userId }, async (client) => {
    await revokeRefreshFamily(client, session.familyId, 'logout')
    const user = await findUserById(client, session.userId)
    if (user) await auditForUser(client, user, { action: 'auth.logout', metadata: { sessionId: session.familyId } }, meta)
  })
}

export async function changePassword(
  deps: ServerDependencies,
  caller: { userId: string; sessionId: string },
  passwords: { currentPassword: string; newPassword: string },
  meta: AuditRequestMeta,
): Promise<void> {
  const user = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findUserById(client, caller.userId))
  if (!user) throw problems.unauthorized('the account is no longer active')
  const ip = meta.ip ?? 'unknown'
  await assertLoginAllowed(deps.rateLimits, ip, user.email)
  if (!(await passwordMatches(user.password_hash, passwords.currentPassword))) {
    await recordLoginFailure(deps.rateLimits, ip, user.email)
    throw problems.forbidden('the current password is wrong')
  }
  const problem = passwordProblem(passwords.newPassword)
  if (problem) throw problems.badRequest(problem, [{ path: 'newPassword', message: problem }])
  const newHash = await hashPassword(passwords.newPassword)
  await inTransaction(deps.pools.app, { userId: user.id }, async (client) => {
    await updatePasswordHash(client, user.id, newHash)
    const revoked = await revokeUserRefreshFamilies(client, user.id, 'password_changed', caller.sessionId)
    await auditForUser(client, user, { action: 'auth.password_changed', metadata: { otherSessionsRevoked: revoked } }, meta)
  })
}
