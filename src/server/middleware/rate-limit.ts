/**
 * @module rate-limit
 * IP-keyed limits with rate-limiter-flexible: a general budget of requests per minute per IP,
 * and stricter budgets of failed logins per IP and per account (so neither one address nor a
 * spread of addresses can guess a password). Over a limit: 429 with Retry-After.
 * Counters live in memory (one instance, the desktop app) or in PostgreSQL (several instances on
 * one database share them); a store that does not answer falls back to memory for that call.
 */
import type { Express } from 'express'
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import { schemaName, type DbPool } from '../db/pools.js'
import { problems } from '../http/http-problem.js'

export interface RateLimitSettings {
  /** Requests per minute per IP; 0 turns the general limit off (benchmarks). */
  requestsPerMinute: number
  loginFailuresPerIp: number
  loginFailuresPerAccount: number
  loginWindowSeconds: number
}

export const defaultRateLimitSettings: RateLimitSettings = {
  requestsPerMinute: 1200,
  loginFailuresPerIp: 20,
  loginFailuresPerAccount: 10,
  loginWindowSeconds: 15 * 60,
}

export interface RateLimits {
  settings: RateLimitSettings
  requestsByIp: RateLimiterAbstract | null
  loginFailuresByIp: RateLimiterAbstract
  loginFailuresByAccount: RateLimiterAbstract
}

export { rateLimitStores, type RateLimitStore } from '../config.js'

/** Where counters live: `memory`, or PostgreSQL's `rate_limits` table (migration 0007) through `pool`. */
export type RateLimitStoreChoice = { kind: 'memory' } | { kind: 'postgres'; pool: DbPool }

function limiter(store: RateLimitStoreChoice, options: IRateLimiterOptions): RateLimiterAbstract {
  if (store.kind === 'memory') return new RateLimiterMemory(options)
  return new RateLimiterPostgres({
    ...options,
    storeClient: store.pool,
    storeType: 'pool',
    schemaName,
    tableName: 'rate_limits',
    tableCreated: true,
    insuranceLimiter: new RateLimiterMemory(options),
  })
}

export function createRateLimits(
  settings: RateLimitSettings = defaultRateLimitSettings,
  store: RateLimitStoreChoice = { kind: 'memory' },
): RateLimits {
  return {
    settings,
    requestsByIp:
      settings.requestsPerMinute > 0 ? limiter(store, { keyPrefix: 'ip', points: settings.requestsPerMinute, duration: 60 }) : null,
    loginFailuresByIp: limiter(store, {
      keyPrefix: 'login-ip',
      points: settings.loginFailuresPerIp,
      duration: settings.loginWindowSeconds,
    }),
    loginFailuresByAccount: limiter(store, {
      keyPrefix: 'login-account',
      points: settings.loginFailuresPerAccount,
      duration: settings.loginWindowSeconds,
    }),
  }
}

export function clientIp(remoteAddress: string | undefined): string {
  return (remoteAddress ?? 'unknown').replace(/^::ffff:/, '')
}

export function installIpRateLimit(app: Express, limits: RateLimits): void {
  const limiter = limits.requestsByIp
  if (!limiter) return
  app.use((request, _response, next) => {
    limiter.consume(clientIp(request.socket.remoteAddress)).then(
      () => next(),
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes)
          next(problems.tooManyRequests(rejection.msBeforeNext / 1000, 'too many requests from this address; slow down'))
        else next(rejection)
      },
    )
  })
}

/** Refuses a login attempt before any password work when either budget is spent. */
export async function assertLoginAllowed(limits: RateLimits, ip: string, account: string): Promise<void> {
  const [byIp, byAccount] = await Promise.all([limits.loginFailuresByIp.get(ip), limits.loginFailuresByAccount.get(account)])
  const spent = [
    byIp && byIp.consumedPoints >= limits.settings.loginFailuresPerIp ? byIp : null,
    byAccount && byAccount.consumedPoints >= limits.settings.loginFailuresPerAccount ? byAccount : null,
  ].filter((entry): entry is RateLimiterRes => entry !== null)
  if (spent.length > 0) {
    const wait = Math.max(...spent.map((entry) => entry.msBeforeNext)) / 1000
    throw problems.tooManyRequests(wait, 'too many failed sign-ins; wait before trying again')
  }
}

export async function recordLoginFailure(limits: RateLimits, ip: string, account: string): Promise<void> {
  await Promise.all([
    limits.loginFailuresByIp.consume(ip).catch(() => undefined),
    limits.loginFailuresByAccount.consume(account).catch(() => undefined),
  ])
}

export async function recordLoginSuccess(limits: RateLimits, account: string): Promise<void> {
  await limits.loginFailuresByAccount.delete(account)
}
