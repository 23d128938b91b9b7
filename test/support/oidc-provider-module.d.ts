// The part of oidc-provider's API (v8) the test identity provider uses (it ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface KoaContext {
    method: string
    path: string
    req: IncomingMessage
    res: ServerResponse
  }

  interface AccountClaims {
    sub: string
    [claim: string]: unknown
  }

  interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<AccountClaims>
  }

  interface Configuration {
    clients: Array<Record<string, unknown>>
    jwks: { keys: Array<Record<string, unknown>> }
    findAccount(ctx: KoaContext, id: string): Promise<Account | undefined>
    claims?: Record<string, string[]>
    conformIdTokenClaims?: boolean
    cookies?: { keys: string[] }
    features?: Record<string, { enabled: boolean }>
    pkce?: { methods: string[]; required: () => boolean }
    ttl?: Record<string, number>
    renderError?: (ctx: KoaContext & { type: string; body: unknown }, out: Record<string, string>) => Promise<void>
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration)
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
  }
}
