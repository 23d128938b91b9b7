/**
 * @module sso-command
 * `limena sso configure|show|remove --platform`: the platform's own identity provider, for
 * operators. Tenants configure theirs through the API (their owners, in the console). The client
 * secret comes from standard input only (`--client-secret-stdin`), never from an argument, so it
 * appears in no process list or shell history; it is never printed.
 */
import { prepareDatabase } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import { createEncryptionKeyring } from '../crypto/encryption-keyring.js'
import { LimenaError } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'
import { createOidcClients } from '../sso/oidc-clients.js'
import { configurePlatformSso, parseDomains, removePlatformSso, showPlatformSso, type PlatformSso } from '../sso/platform-sso.js'
import { ssoCallbackPath } from '../sso/sso-start.js'
import { readStdin } from './create-operator.js'

export interface SsoCommandOptions {
  platform?: boolean
  issuer?: string
  clientId?: string
  clientSecretStdin?: boolean
  domains?: string
  requireForOperators?: boolean
  trustProviderMfa?: boolean
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no')

function describe(sso: PlatformSso, config: LimenaConfig): string[] {
  return [
    `limena: platform single sign-on: ${sso.issuer}`,
    `  client id: ${sso.client_id}`,
    `  operators' email domains: ${sso.domains.join(', ')}`,
    `  required for operators: ${yesNo(sso.require_for_operators)}`,
    `  trust the provider's second factor (amr): ${yesNo(sso.trust_provider_mfa)} (takes effect with the operator second factor, not built yet)`,
    `  client secret: sealed under encryption key version ${sso.key_version}`,
    `  redirect URI to register: ${config.publicUrl ? `${config.publicUrl}${ssoCallbackPath}` : `<LIMENA_PUBLIC_URL, or the address serve listens on>${ssoCallbackPath}`}`,
  ]
}

export async function ssoCommand(
  config: LimenaConfig,
  log: Logger,
  print: (line: string) => void,
  action: 'configure' | 'show' | 'remove',
  options: SsoCommandOptions,
): Promise<void> {
  if (!options.platform)
    throw new LimenaError(
      'input_invalid',
      "the CLI manages the platform's single sign-on: add --platform (a tenant's owners configure theirs in the console, PUT /tenants/:id/sso)",
    )
  if (action === 'configure') {
    if (!options.issuer || !options.clientId || !options.domains)
      throw new LimenaError(
        'input_invalid',
        'configure needs --issuer URL, --client-id ID, --domains a.com,b.com and --client-secret-stdin',
      )
    if (!options.clientSecretStdin)
      throw new LimenaError('input_invalid', 'pass the client secret on standard input with --client-secret-stdin')
    const domains = parseDomains(options.domains)
    const clientSecret = (await readStdin()).replace(/\r?\n$/, '')
    const prepared = await prepareDatabase(config, log)
    try {
      const masterKey = await createEncryptionKeyring(prepared.secrets.encryptionKeys).current()
      const saved = await configurePlatformSso(prepared.pools, masterKey, createOidcClients(), {
        issuer: options.issuer,
        clientId: options.clientId,
        clientSecret,
        domains,
        requireForOperators: Boolean(options.requireForOperators),
        trustProviderMfa: Boolean(options.trustProviderMfa),
      })
      for (const line of describe(saved, config)) print(line)
    } finally {
      await prepared.close()
    }
    return
  }
  const prepared = await prepareDatabase(config, log)
  try {
    if (action === 'show') {
      const sso = await showPlatformSso(prepared.pools)
      if (!sso) print('limena: no platform single sign-on is configured')
      else for (const line of describe(sso, config)) print(line)
      return
    }
    const removed = await removePlatformSso(prepared.pools)
    print(
      removed
        ? `limena: removed the platform single sign-on (${removed.issuer}); ended ${removed.endedSessions} session(s) it had opened`
        : 'limena: no platform single sign-on is configured',
    )
  } finally {
    await prepared.close()
  }
}
