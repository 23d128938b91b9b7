/**
 * @module operation-context
 * What a handler receives, typed by its operation's access kind: the router has already proved
 * who the caller is (and, for a tenant operation, opened the tenant's transaction and checked
 * the role), so a handler never re-checks what cannot be missing.
 *
 * | access          | the context adds                                                    |
 * |-----------------|---------------------------------------------------------------------|
 * | `public`        | the principal, whoever it is                                        |
 * | `session`       | the refresh-token session of the cookie                             |
 * | `user`          | a signed-in user                                                    |
 * | `authenticated` | a signed-in user or an API key                                      |
 * | `tenant`        | the tenant scope (its transaction client and the caller's role);    |
 * |                 | streaming operations get the authorised tenant, and no transaction  |
 * | `operator`      | the operator (a platform admin) as audit actor, with their reason   |
 */
import type { Request, Response } from 'express'
import type { Configuration as OidcConfiguration } from 'openid-client'
import type { z } from 'zod'
import type { OperationDefinition, OperationName, Operations } from '@shared/contract.js'
import type { TenantRole } from '@shared/permissions.js'
import type { AccessTokens } from '../crypto/access-tokens.js'
import type { EncryptionKeyring } from '../crypto/encryption-keyring.js'
import type { DatabasePools, DbClient } from '../db/pools.js'
import type { RateLimits } from '../middleware/rate-limit.js'
import type { Logger } from '../platform/log.js'
import type { KeyAge } from '../secrets/key-ages.js'
import type { InFlightTracker } from './in-flight.js'
import type { Principal } from './principal.js'

export type UserPrincipal = Extract<Principal, { kind: 'user' }>
export type ApiKeyPrincipal = Extract<Principal, { kind: 'api_key' }>

/** Where a request came from, as audit rows record it. */
export interface RequestMeta {
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

/** Whether an access token's session (its refresh-token family) is still active. */
export interface SessionRevocations {
  isActive(session: { userId: string; sessionId: string }): Promise<boolean>
  /**
   * Forgets what this instance remembers of these sessions, after the caller committed their end:
   * the next request here asks the database, without waiting for the announcement.
   */
  forget(sessionIds: readonly string[]): void
  close(): Promise<void>
}

/** OpenID providers as client configurations, their discovery kept a few minutes per issuer (sso/oidc-clients.ts). */
export interface OidcClients {
  /** The issuer as its discovery document names it; throws IssuerDiscoveryError when it cannot be used. */
  issuerOf(issuer: string): Promise<string>
  /** A configuration for the issuer and client (no secret: enough to build an authorization URL). */
  configuration(issuer: string, client: { clientId: string; clientSecret: string | null }): Promise<OidcConfiguration>
  /** Keeps the signing keys an exchange fetched, for the issuer's next configurations. */
  keepKeys(issuer: string, configuration: OidcConfiguration): void
}

export interface ServerDependencies {
  pools: DatabasePools
  log: Logger
  tls: boolean
  accessTokens: AccessTokens
  /** HMAC key of CSRF tokens (HKDF of the master key). */
  csrfKey: Buffer
  /** HMAC key of opaque pagination cursors. */
  cursorKey: Buffer
  keyring: EncryptionKeyring
  /** Ages of the install's keys (never the keys), for the posture screen. */
  keyAges: () => KeyAge[]
  /** Handlers still working: shutdown waits for them before ending the pools. */
  inFlight: InFlightTracker
  rateLimits: RateLimits
  /** Whether an access token's session is still active; listens on its own connection, closed at shutdown. */
  sessionRevocations: SessionRevocations
  /**
   * Where browsers reach this backend, without a trailing slash (LIMENA_PUBLIC_URL, else the
   * address it listens on): identity providers send people back to `<it>/api/v1/auth/sso/callback`.
   */
  publicUrl: () => string
  oidc: OidcClients
}

/** The refresh token (and its family) a `session` operation's cookie belongs to. */
export interface ResolvedSession {
  familyId: string
  userId: string
  tokenId: string
  alreadyUsed: boolean
}

export interface TenantScope {
  id: string
  client: DbClient
  /** The caller's role; null for an API key. */
  role: TenantRole | null
}

/** A platform operator as their audit rows name them, with the reason they gave for this call. */
export interface OperatorIdentity {
  actor: { type: 'operator'; id: string; name: string | null }
  reason: string
}

interface BaseContext {
  request: Request
  response: Response
  deps: ServerDependencies
  meta: RequestMeta
}

export interface PublicContext extends BaseContext {
  principal: Principal
}
export interface SessionContext extends BaseContext {
  principal: Principal
  session: ResolvedSession
}
export interface UserContext extends BaseContext {
  principal: UserPrincipal
}
export interface AuthenticatedContext extends BaseContext {
  principal: UserPrincipal | ApiKeyPrincipal
}
export interface TenantContext extends AuthenticatedContext {
  /** Inside the operation's transaction, tenant set, role checked. */
  tenant: TenantScope
}
/**
 * A streaming tenant operation: the caller is authorised, but no transaction is held, so the
 * handler can commit its audit row before it streams on a connection of its own.
 */
export interface TenantStreamContext extends AuthenticatedContext {
  tenantAuthorized: { id: string; role: TenantRole | null }
}
export interface OperatorContext extends BaseContext {
  principal: UserPrincipal
  operator: OperatorIdentity
}

/** The context of an operation, from its access kind (and whether it streams). */
export type ContextOf<Definition extends OperationDefinition> = Definition['access'] extends 'tenant'
  ? 'text/csv' extends Definition['produces']
    ? TenantStreamContext
    : TenantContext
  : Definition['access'] extends 'operator'
    ? OperatorContext
    : Definition['access'] extends 'user'
      ? UserContext
      : Definition['access'] extends 'authenticated'
        ? AuthenticatedContext
        : Definition['access'] extends 'session'
          ? SessionContext
          : PublicContext

export type OperationHandler<Name extends OperationName> = (
  context: ContextOf<Operations[Name]>,
  input: z.output<Operations[Name]['input']>,
) => Promise<z.input<Operations[Name]['output']>>

/** Served before authentication and body parsing, by health/health-routes.ts, not by the router. */
export type UnroutedOperationName = 'health'
export type RoutedOperationName = Exclude<OperationName, UnroutedOperationName>

/** A handler for every routed operation of the contract: one missing does not compile. */
export type OperationHandlers = { [Name in RoutedOperationName]: OperationHandler<Name> }

/** The handlers of one domain area; app.ts merges them and checks the result is complete. */
export type DomainHandlers = Partial<OperationHandlers>
