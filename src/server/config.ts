/**
 * @module config
 * The backend's settings, read once from the environment (and CLI flags) and validated, so a
 * mistake is reported as one line before anything starts.
 */
import { z } from 'zod'
import { defaultDataDir } from './data-dir.js'
import { LimenaError } from './platform/errors.js'

/** Where rate-limit counters live: in this process, or in PostgreSQL shared by every instance. */
export const rateLimitStores = ['memory', 'postgres'] as const
export type RateLimitStore = (typeof rateLimitStores)[number]

export const secretsStoreSchema = z.enum(['auto', 'keychain', 'file'])
export type SecretsStore = z.infer<typeof secretsStoreSchema>

const databaseUrlSchema = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL')
  .refine((value) => URL.canParse(value), 'is not a valid URL')

const portSchema = z.coerce.number().int().min(0).max(65535)

const hostLabel = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const allowedHostPattern = new RegExp(`^(?:${hostLabel}(?:\\.${hostLabel})*|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?$`)
/** Host names a reverse proxy sends (`name` for any port, `name:port` for one), comma-separated. */
const allowedHostsSchema = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(allowedHostPattern, 'an allowed host is a host name or [IPv6 address], with an optional :port')))

/**
 * Where browsers reach this backend, without a trailing slash: the single sign-on callback is
 * registered at identity providers under it (`<public URL>/api/v1/auth/sso/callback`). Behind a
 * reverse proxy it is the proxy's address; unset, the address `serve` listens on.
 */
const publicUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine((value) => {
    const url = new URL(value)
    return !url.search && !url.hash && !url.username && !url.password
  }, 'must be a plain origin and path, without query, fragment or credentials')
  .transform((value) => value.replace(/\/+$/, ''))

export const configSchema = z.object({
  dataDir: z.string().min(1),
  databaseUrl: databaseUrlSchema.optional(),
  host: z.string().min(1),
  port: portSchema,
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  secretsStore: secretsStoreSchema,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  requestsPerMinute: z.coerce.number().int().min(0).max(1_000_000),
  rateLimitStore: z.enum(rateLimitStores),
  allowedHosts: allowedHostsSchema,
  publicUrl: publicUrlSchema.optional(),
})

export type LimenaConfig = z.output<typeof configSchema>

export const defaultPort = 7420

const environmentNames: Record<keyof LimenaConfig, string> = {
  dataDir: 'LIMENA_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  host: 'LIMENA_HOST',
  port: 'LIMENA_PORT',
  tlsCertFile: 'LIMENA_TLS_CERT',
  tlsKeyFile: 'LIMENA_TLS_KEY',
  secretsStore: 'LIMENA_SECRETS_STORE',
  logLevel: 'LIMENA_LOG_LEVEL',
  requestsPerMinute: 'LIMENA_RATE_LIMIT_PER_MINUTE',
  rateLimitStore: 'LIMENA_RATE_LIMIT_STORE',
  allowedHosts: 'LIMENA_ALLOWED_HOSTS',
  publicUrl: 'LIMENA_PUBLIC_URL',
}

/** Environment first, then `overrides` (CLI flags) on top; empty values count as unset. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof LimenaConfig, string | number | undefined>> = {},
): LimenaConfig {
  const pick = (key: keyof LimenaConfig): string | number | undefined => {
    const fromFlag = overrides[key]
    if (fromFlag !== undefined && fromFlag !== '') return fromFlag
    const fromEnv = env[environmentNames[key]]
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv
  }
  const parsed = configSchema.safeParse({
    dataDir: pick('dataDir') ?? defaultDataDir(env),
    databaseUrl: pick('databaseUrl'),
    host: pick('host') ?? '127.0.0.1',
    port: pick('port') ?? defaultPort,
    tlsCertFile: pick('tlsCertFile'),
    tlsKeyFile: pick('tlsKeyFile'),
    secretsStore: pick('secretsStore') ?? 'auto',
    logLevel: pick('logLevel') ?? 'info',
    requestsPerMinute: pick('requestsPerMinute') ?? 1200,
    // An external database may serve several instances: share the counters there unless told otherwise.
    rateLimitStore: pick('rateLimitStore') ?? (pick('databaseUrl') === undefined ? 'memory' : 'postgres'),
    // Flags add to the environment's names rather than replace them.
    allowedHosts: [overrides.allowedHosts, env[environmentNames.allowedHosts]].filter(Boolean).join(','),
    publicUrl: pick('publicUrl'),
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const key = issue?.path[0] as keyof LimenaConfig | undefined
    const name = key ? environmentNames[key] : 'configuration'
    throw new LimenaError('config_invalid', `invalid ${name}: ${issue?.message ?? 'unknown problem'}`)
  }
  const config = parsed.data
  if (Boolean(config.tlsCertFile) !== Boolean(config.tlsKeyFile)) {
    throw new LimenaError('config_invalid', 'TLS needs both a certificate and a key (--tls-cert and --tls-key)')
  }
  return config
}
