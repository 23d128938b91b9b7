/**
 * @module tenant-sso-routes
 * A tenant's single sign-on, for its owners: read (never the client secret), configure or change,
 * remove. The issuer is discovered before anything is saved, so a typo is refused with what
 * failed; the client secret is sealed with the tenant's key as integration secrets are, and
 * appears in no answer, log or audit row. Each email domain belongs to one provider at most.
 * Turning "require SSO" on needs a session from this tenant's own single sign-on, so an owner
 * cannot lock everyone out with a provider that does not work. Removing ends the sessions it opened.
 */
import type { z } from 'zod'
import type { tenantSsoSchema } from '@shared/contract.js'
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import { revokeRefreshFamily } from '../auth/refresh-token-repository.js'
import { activeSessionsFromTenantSso } from '../auth/user-session-repository.js'
import { sealSecret } from '../crypto/secret-box.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, ServerDependencies } from '../http/operation-context.js'
import { IssuerDiscoveryError, issuerUrlProblem } from './oidc-clients.js'
import { tenantSsoSecretContext } from './sso-secrets.js'
import { ssoRedirectUri } from './sso-start.js'
import {
  deleteTenantSso,
  findTenantSso,
  listTenantSsoDomains,
  replaceTenantSsoDomains,
  saveTenantSso,
  type TenantSsoRow,
} from './tenant-sso-repository.js'

function tenantSsoToApi(row: TenantSsoRow, domains: string[], deps: ServerDependencies): z.input<typeof tenantSsoSchema> {
  return {
    issuer: row.issuer,
    clientId: row.client_id,
    allowedDomains: domains,
    defaultRole: row.default_role,
    requireSso: row.require_sso,
    redirectUri: ssoRedirectUri(deps),
    secretKeyVersion: row.key_version,
    updatedAt: row.updated_at.toISOString(),
  }
}

/** The non-secret fields that changed, before → after. */
function changesOf(before: z.input<typeof tenantSsoSchema> | null, after: z.input<typeof tenantSsoSchema>) {
  const fields = ['issuer', 'clientId', 'allowedDomains', 'defaultRole', 'requireSso'] as const
  const changes: Record<string, { before: unknown; after: unknown }> = {}
  for (const field of fields) {
    const old = before?.[field] ?? null
    if (JSON.stringify(old) !== JSON.stringify(after[field])) changes[field] = { before: old, after: after[field] }
  }
  return changes
}

export const tenantSsoHandlers = {
  async getTenantSso({ tenant, deps }) {
    const row = await findTenantSso(tenant.client, tenant.id)
    return {
      sso: row ? tenantSsoToApi(row, await listTenantSsoDomains(tenant.client, tenant.id), deps) : null,
      redirectUri: ssoRedirectUri(deps),
    }
  },

  async putTenantSso({ tenant, principal, meta, deps }, input) {
    const issuerProblem = issuerUrlProblem(input.issuer)
    if (issuerProblem) throw problems.badRequest(`issuer: ${input.issuer} ${issuerProblem}`, [{ path: 'issuer', message: issuerProblem }])
    const existing = await findTenantSso(tenant.client, tenant.id, { lock: true })
    if (!existing && input.clientSecret === undefined) {
      const message = 'required the first time single sign-on is configured'
      throw problems.badRequest(`clientSecret: ${message}`, [{ path: 'clientSecret', message }])
    }
    const fromOwnSso = principal.kind === 'user' && principal.origin.sso?.tenantId === tenant.id
    if (input.requireSso && !existing?.require_sso && !fromOwnSso)
      throw problems.conflict(
        "turn on requireSso from a session signed in through this tenant's own single sign-on, so that a provider that does not work cannot lock everyone out",
      )
    let issuer: string
    try {
      issuer = await deps.oidc.issuerOf(input.issuer)
    } catch (error) {
      if (!(error instanceof IssuerDiscoveryError)) throw error
      throw problems.badRequest(`issuer: the identity provider ${input.issuer} ${error.reason}`, [
        { path: 'issuer', message: error.reason },
      ])
    }
    const before = existing ? tenantSsoToApi(existing, await listTenantSsoDomains(tenant.client, tenant.id), deps) : null
    let sealedSecret: { ciphertext: Buffer; keyVersion: number } | null = null
    if (input.clientSecret !== undefined) {
      const masterKey = await deps.keyring.current()
      sealedSecret = {
        ciphertext: sealSecret(input.clientSecret, masterKey, tenantSsoSecretContext(tenant.id)),
        keyVersion: masterKey.version,
      }
    }
    const row = await saveTenantSso(tenant.client, {
      tenantId: tenant.id,
      issuer,
      clientId: input.clientId,
      sealedSecret,
      defaultRole: input.defaultRole,
      requireSso: input.requireSso,
      configuredBy: principal.kind === 'user' ? principal.userId : null,
    })
    const domains = [...new Set(input.allowedDomains)].sort()
    const { taken } = await replaceTenantSsoDomains(tenant.client, tenant.id, domains)
    if (taken.length > 0)
      throw problems.conflict(`${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'} already used by another tenant's single sign-on`)
    const after = tenantSsoToApi(row, domains, deps)
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'sso.configured',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'tenant', id: tenant.id, name: null },
      request: meta,
      changes: changesOf(before, after),
      metadata: { secretChanged: sealedSecret !== null, keyVersion: row.key_version, created: existing === null },
    })
    return after
  },

  async deleteTenantSso({ tenant, principal, meta }) {
    const removed = await deleteTenantSso(tenant.client, tenant.id)
    if (!removed) throw problems.notFound('this tenant has no single sign-on')
    const sessions = await activeSessionsFromTenantSso(tenant.client, tenant.id)
    for (const session of sessions) await revokeRefreshFamily(tenant.client, session.id, 'sso_removed')
    await writeAudit(tenant.client, {
      tenantId: tenant.id,
      action: 'sso.removed',
      actor: await resolveActor(tenant.client, principal),
      target: { type: 'tenant', id: tenant.id, name: null },
      request: meta,
      metadata: { issuer: removed.issuer, clientId: removed.client_id, endedSessions: sessions.length },
    })
  },
} satisfies DomainHandlers
