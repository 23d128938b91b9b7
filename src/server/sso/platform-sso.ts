/**
 * @module platform-sso
 * The platform's own identity provider, for operators, as `limena sso configure|show|remove
 * --platform` manages it (on limena_maintenance). Its client secret is sealed under the install's
 * master key (secret-box, with a fixed id in the tenant's place), never printed, logged or
 * audited. It signs in existing platform operators only. `requireForOperators`: operator routes
 * refuse any session that did not come from it. `trustProviderMfa`: recorded, with each session's
 * `amr`, for the operator second factor (issue 16), which will skip its own prompt when the
 * provider asserts one; nothing reads it before then. Configuring and removing are written to the
 * platform audit log; removing ends the sessions it opened.
 */
import { emailDomainSchema } from '@shared/contract.js'
import { writePlatformAudit } from '../audit/platform-audit-writer.js'
import { sealSecret } from '../crypto/secret-box.js'
import type { DatabasePools } from '../db/pools.js'
import { withMaintenance } from '../db/with-operator.js'
import type { OidcClients } from '../http/operation-context.js'
import { LimenaError } from '../platform/errors.js'
import { IssuerDiscoveryError, issuerUrlProblem } from './oidc-clients.js'
import {
  deletePlatformSso,
  findPlatformSso,
  listPlatformSsoDomains,
  replacePlatformSsoDomains,
  savePlatformSso,
  type PlatformSsoRow,
} from './platform-sso-repository.js'
import { platformSsoSecretContext } from './sso-secrets.js'

export interface PlatformSsoInput {
  issuer: string
  clientId: string
  clientSecret: string
  domains: string[]
  requireForOperators: boolean
  trustProviderMfa: boolean
}

export type PlatformSso = PlatformSsoRow & { domains: string[] }

const actor = (command: string) => ({ type: 'system' as const, id: null, name: `limena sso ${command} --platform` })

/** The domains of a comma-separated list, checked and lowercased; throws a one-line error. */
export function parseDomains(list: string): string[] {
  const domains = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (domains.length === 0) throw new LimenaError('input_invalid', 'give the operators’ email domains: --domains example.com,example.org')
  return [
    ...new Set(
      domains.map((domain) => {
        const parsed = emailDomainSchema.safeParse(domain)
        if (!parsed.success) throw new LimenaError('input_invalid', `not an email domain: ${domain.slice(0, 100)}`)
        return parsed.data
      }),
    ),
  ].sort()
}

export async function configurePlatformSso(
  pools: Pick<DatabasePools, 'maintenance'>,
  masterKey: { version: number; key: Buffer },
  oidc: OidcClients,
  input: PlatformSsoInput,
): Promise<PlatformSso> {
  const problem = issuerUrlProblem(input.issuer)
  if (problem) throw new LimenaError('input_invalid', `the issuer ${input.issuer} ${problem}`)
  if (!input.clientId.trim()) throw new LimenaError('input_invalid', 'give the client id: --client-id ID')
  if (!input.clientSecret) throw new LimenaError('input_invalid', 'the client secret read from standard input is empty')
  let issuer: string
  try {
    issuer = await oidc.issuerOf(input.issuer)
  } catch (error) {
    if (!(error instanceof IssuerDiscoveryError)) throw error
    throw new LimenaError('input_invalid', `the identity provider ${input.issuer} ${error.reason}`)
  }
  const ciphertext = sealSecret(input.clientSecret, masterKey, platformSsoSecretContext)
  return withMaintenance(pools, undefined, async (client) => {
    const before = await findPlatformSso(client, { lock: true })
    const domainsBefore = await listPlatformSsoDomains(client)
    const row = await savePlatformSso(client, {
      issuer,
      clientId: input.clientId.trim(),
      ciphertext,
      keyVersion: masterKey.version,
      requireForOperators: input.requireForOperators,
      trustProviderMfa: input.trustProviderMfa,
    })
    const { taken } = await replacePlatformSsoDomains(client, input.domains)
    if (taken.length > 0)
      throw new LimenaError('input_invalid', `${taken.join(', ')} ${taken.length === 1 ? 'is' : 'are'} used by a tenant's single sign-on`)
    await writePlatformAudit(client, {
      action: 'platform.sso_configured',
      actor: actor('configure'),
      metadata: {
        issuer: row.issuer,
        clientId: row.client_id,
        domains: input.domains,
        requireForOperators: row.require_for_operators,
        trustProviderMfa: row.trust_provider_mfa,
        secretChanged: true,
        keyVersion: row.key_version,
        before: before
          ? {
              issuer: before.issuer,
              clientId: before.client_id,
              domains: domainsBefore,
              requireForOperators: before.require_for_operators,
              trustProviderMfa: before.trust_provider_mfa,
            }
          : null,
      },
    })
    return { ...row, domains: input.domains }
  })
}

export async function showPlatformSso(pools: Pick<DatabasePools, 'maintenance'>): Promise<PlatformSso | null> {
  return withMaintenance(pools, undefined, async (client) => {
    const row = await findPlatformSso(client)
    return row ? { ...row, domains: await listPlatformSsoDomains(client) } : null
  })
}

/** Removes the platform's provider and ends the sessions it opened; null when there was none. */
export async function removePlatformSso(
  pools: Pick<DatabasePools, 'maintenance'>,
): Promise<{ issuer: string; endedSessions: number } | null> {
  return withMaintenance(pools, undefined, async (client) => {
    const removed = await deletePlatformSso(client)
    if (!removed) return null
    const ended = await client.query<{ family_id: string }>(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'sso_removed'
        WHERE revoked_at IS NULL
          AND family_id IN (SELECT id FROM user_sessions WHERE method = 'sso' AND sso_tenant_id IS NULL)
        RETURNING family_id`,
    )
    const endedSessions = new Set(ended.rows.map((row) => row.family_id)).size
    await writePlatformAudit(client, {
      action: 'platform.sso_removed',
      actor: actor('remove'),
      metadata: { issuer: removed.issuer, clientId: removed.client_id, endedSessions },
    })
    return { issuer: removed.issuer, endedSessions }
  })
}
