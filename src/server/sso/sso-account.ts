/**
 * @module sso-account
 * Which account an identity from a provider signs in, the account rule of single sign-on:
 * - An identity (issuer, subject) is linked to its user at the first sign-in and followed by that
 *   link from then on: a changed email at the identity provider never re-links another account.
 * - A tenant's provider, the first time: an existing account with the email that is a member of
 *   the tenant is linked; one that is not a member is refused — an existing account joins a tenant
 *   only by its own consent, accepting an invitation from its signed-in session (migration 0010);
 *   an email without an account gets one, with an unusable password (a hash of random bytes
 *   nobody holds, so password sign-in fails as for a wrong password), joined with the provider's
 *   default role and audited `member.added` as every join is.
 * - An account linked to one subject at an issuer is never linked to another there by email: an
 *   email the provider gave to someone else does not bring its new holder into the old account.
 * - Later sign-ins through a tenant's provider still need the linked user to be a member of it.
 * - The platform's provider signs in existing, enabled platform operators only, and creates nobody.
 */
import { writeAudit, type AuditRequestMeta } from '../audit/audit-writer.js'
import { hashPassword } from '../crypto/passwords.js'
import { randomToken } from '../crypto/random-token.js'
import { isUniqueViolation } from '../db/pg-errors.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { findMember, insertMembership } from '../members/member-repository.js'
import { findUserByEmail, findUserById, insertUser } from '../users/user-repository.js'
import type { SsoFailure } from './oidc-errors.js'
import type { ProviderSettings } from './provider-settings.js'
import { findLinkedUserId, linkIdentity, linkedToAnotherSubject, touchIdentity } from './sso-identity-repository.js'

export interface VerifiedIdentity {
  issuer: string
  subject: string
  email: string
}

export type AccountOutcome = { ok: true; userId: string } | { ok: false; failure: SsoFailure; userId: string | null }

const linkedElsewhere =
  'this account is linked to another identity at this identity provider: an email moved to someone else does not sign in to it'

const refused = (reason: string, userId: string | null = null): AccountOutcome => ({
  ok: false,
  failure: { check: 'account', reason },
  userId,
})

async function emailHasDisabledAccount(deps: ServerDependencies, email: string): Promise<boolean> {
  return inTransaction(
    deps.pools.app,
    { readOnly: true },
    async (client) => (await client.query('SELECT 1 FROM users WHERE email = $1 AND disabled_at IS NOT NULL', [email])).rowCount !== 0,
  )
}

async function platformAccount(deps: ServerDependencies, identity: VerifiedIdentity): Promise<AccountOutcome> {
  const notOperator = 'only platform operators sign in through the platform’s single sign-on, and it creates no account'
  return inTransaction(deps.pools.app, {}, async (client) => {
    const linkedId = await findLinkedUserId(client, identity.issuer, identity.subject)
    const user = linkedId !== null ? await findUserById(client, linkedId) : await findUserByEmail(client, identity.email)
    if (!user || !user.is_platform_admin) return refused(notOperator, user?.id ?? null)
    if (linkedId !== null) await touchIdentity(client, identity.issuer, identity.subject)
    else if (await linkedToAnotherSubject(client, identity.issuer, identity.subject, user.id)) return refused(linkedElsewhere, user.id)
    else await linkIdentity(client, { issuer: identity.issuer, subject: identity.subject, userId: user.id })
    return { ok: true as const, userId: user.id }
  })
}

async function linkedTenantAccount(
  deps: ServerDependencies,
  tenant: { id: string; name: string },
  identity: VerifiedIdentity,
  userId: string,
): Promise<AccountOutcome> {
  return withTenant(
    deps.pools.app,
    tenant.id,
    async (client) => {
      const user = await findUserById(client, userId)
      if (!user) return refused('the account linked to this identity is disabled', userId)
      if (!(await findMember(client, tenant.id, userId)))
        return refused(
          `the account linked to this identity is not a member of ${tenant.name}: it joins only by accepting an invitation`,
          userId,
        )
      await touchIdentity(client, identity.issuer, identity.subject)
      return { ok: true as const, userId }
    },
    { userId },
  )
}

async function firstTenantSignIn(
  deps: ServerDependencies,
  provider: ProviderSettings & { tenant: { id: string; name: string } },
  identity: VerifiedIdentity,
  meta: AuditRequestMeta,
): Promise<AccountOutcome> {
  const tenant = provider.tenant
  const existing = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findUserByEmail(client, identity.email))
  if (existing) {
    return withTenant(
      deps.pools.app,
      tenant.id,
      async (client) => {
        if (!(await findMember(client, tenant.id, existing.id)))
          return refused(
            `this email already has an account that is not a member of ${tenant.name}: sign in with its password and accept an invitation`,
            existing.id,
          )
        if (await linkedToAnotherSubject(client, identity.issuer, identity.subject, existing.id))
          return refused(linkedElsewhere, existing.id)
        const linkedTo = await linkIdentity(client, { issuer: identity.issuer, subject: identity.subject, userId: existing.id })
        return linkedTo === existing.id
          ? { ok: true as const, userId: existing.id }
          : refused('this identity was linked to another account meanwhile')
      },
      { userId: existing.id },
    )
  }
  if (await emailHasDisabledAccount(deps, identity.email)) return refused('this email belongs to a disabled account')
  const unusablePasswordHash = await hashPassword(randomToken(32))
  const role = provider.defaultRole ?? 'viewer'
  try {
    return await withTenant(deps.pools.app, tenant.id, async (client) => {
      const user = await insertUser(client, { email: identity.email, passwordHash: unusablePasswordHash })
      await insertMembership(client, { tenantId: tenant.id, userId: user.id, role })
      await writeAudit(client, {
        tenantId: tenant.id,
        action: 'member.added',
        actor: { type: 'user', id: user.id, name: user.email },
        target: { type: 'user', id: user.id, name: user.email },
        request: meta,
        metadata: { role, via: 'sso', issuer: identity.issuer },
      })
      await linkIdentity(client, { issuer: identity.issuer, subject: identity.subject, userId: user.id })
      return { ok: true as const, userId: user.id }
    })
  } catch (error) {
    // The account (or the link) was created by another request at the same moment.
    if (isUniqueViolation(error)) return refused('an account for this email was created at the same moment: sign in again')
    throw error
  }
}

export async function resolveAccount(
  deps: ServerDependencies,
  provider: ProviderSettings,
  identity: VerifiedIdentity,
  meta: AuditRequestMeta,
): Promise<AccountOutcome> {
  if (provider.tenant === null) return platformAccount(deps, identity)
  const linkedId = await inTransaction(deps.pools.app, { readOnly: true }, (client) =>
    findLinkedUserId(client, identity.issuer, identity.subject),
  )
  if (linkedId !== null) return linkedTenantAccount(deps, provider.tenant, identity, linkedId)
  return firstTenantSignIn(deps, { ...provider, tenant: provider.tenant }, identity, meta)
}
