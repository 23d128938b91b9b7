/**
 * @module connection-manager
 * The connections the console knows (the embedded install, and remote backends by URL), the
 * active one, and an API client per connection whose session lives in the credential store.
 */
import { randomUUID } from 'node:crypto'
import type { Connection, SessionStatus } from '@shared/bridge.js'
import { ApiClient } from './api-client.js'
import { probeConnection, type ProbeResult } from './connection-probe.js'
import { ConnectionUrlError, normaliseConnectionUrl } from './connection-url.js'
import type { CredentialStore } from './credential-store.js'
import type { FirstRun } from '../server/embedded.js'
import { readSettings, writeSettings, type Settings } from './settings-file.js'

export const embeddedConnectionId = 'embedded'

/** A backend that cannot be added as it stands: its certificate is not trusted, it is not Limena, or it does not answer. */
export class ConnectionProbeError extends Error {
  constructor(readonly result: Extract<ProbeResult, { ok: false }>) {
    super(result.message)
    this.name = 'ConnectionProbeError'
  }
}

export interface BackendState {
  state: 'starting' | 'ready' | 'failed'
  url: string | null
  message: string | null
}

export class ConnectionManager {
  private settings: Settings | null = null
  private readonly clients = new Map<string, ApiClient>()

  constructor(
    private readonly options: {
      settingsPath: string
      credentials: CredentialStore
      embeddedBackend: () => BackendState
      /** The embedded install's first-run check, once its backend runs. */
      firstRun?: () => FirstRun | null
      fetch?: typeof fetch
      onSessionEnded?: (connectionId: string, reason: string) => void
      /** How the app names itself to backends (their session lists show it); the API client's default otherwise. */
      userAgent?: string
    },
  ) {}

  private async loaded(): Promise<Settings> {
    this.settings ??= await readSettings(this.options.settingsPath)
    return this.settings
  }

  private async save(): Promise<void> {
    if (this.settings) await writeSettings(this.options.settingsPath, this.settings)
  }

  async settingsSnapshot(): Promise<Settings> {
    return structuredClone(await this.loaded())
  }

  async updateSettings(change: (settings: Settings) => void): Promise<void> {
    change(await this.loaded())
    await this.save()
  }

  async list(): Promise<{ items: Connection[]; activeId: string | null }> {
    const settings = await this.loaded()
    const embedded: Connection = {
      id: embeddedConnectionId,
      name: 'This computer (embedded)',
      kind: 'embedded',
      url: this.options.embeddedBackend().url,
    }
    return {
      items: [
        embedded,
        ...settings.connections.map((connection) => ({
          id: connection.id,
          name: connection.name,
          kind: 'remote' as const,
          url: connection.url,
        })),
      ],
      activeId: settings.activeConnectionId,
    }
  }

  /** Asks the backend at `url` whether it answers; a URL the rules refuse is said so too. */
  async test(url: string): Promise<ProbeResult | { ok: false; reason: 'invalid-url'; message: string }> {
    let origin: string
    try {
      origin = normaliseConnectionUrl(url)
    } catch (error) {
      if (error instanceof ConnectionUrlError) return { ok: false, reason: 'invalid-url', message: error.message }
      throw error
    }
    return probeConnection(origin, this.options.fetch ?? fetch)
  }

  /** The origin of `url` once its backend answered (or, when allowed, did not answer at all). */
  private async checkedOrigin(url: string, evenIfUnreachable: boolean): Promise<string> {
    const origin = normaliseConnectionUrl(url)
    const result = await probeConnection(origin, this.options.fetch ?? fetch)
    const unreachable = !result.ok && (result.reason === 'unreachable' || result.reason === 'timeout')
    if (!result.ok && !(unreachable && evenIfUnreachable)) throw new ConnectionProbeError(result)
    return origin
  }

  async add(name: string, url: string, options: { evenIfUnreachable?: boolean } = {}): Promise<Connection> {
    const origin = await this.checkedOrigin(url, options.evenIfUnreachable ?? false)
    const connection = { id: randomUUID(), name, url: origin }
    await this.updateSettings((settings) => settings.connections.push(connection))
    return { ...connection, kind: 'remote' }
  }

  /** Renames or moves a remote connection; a new address is another server, so the session stored for the old one ends. */
  async update(id: string, name: string, url: string, options: { evenIfUnreachable?: boolean } = {}): Promise<Connection | null> {
    const settings = await this.loaded()
    const existing = settings.connections.find((connection) => connection.id === id)
    if (!existing) return null
    const origin =
      normaliseConnectionUrl(url) === existing.url ? existing.url : await this.checkedOrigin(url, options.evenIfUnreachable ?? false)
    if (origin !== existing.url) {
      await this.clientFor(id)?.signOut()
      await this.options.credentials.sessionFor(id).clear()
      this.clients.delete(id)
    }
    await this.updateSettings((current) => {
      const target = current.connections.find((connection) => connection.id === id)
      if (target) {
        target.name = name
        target.url = origin
      }
    })
    return { id, name, url: origin, kind: 'remote' }
  }

  async remove(id: string): Promise<boolean> {
    const settings = await this.loaded()
    if (id === embeddedConnectionId || !settings.connections.some((connection) => connection.id === id)) return false
    await this.clientFor(id)?.signOut()
    await this.options.credentials.sessionFor(id).clear()
    this.clients.delete(id)
    await this.updateSettings((current) => {
      current.connections = current.connections.filter((connection) => connection.id !== id)
      if (current.activeConnectionId === id) current.activeConnectionId = embeddedConnectionId
    })
    return true
  }

  async select(id: string): Promise<void> {
    const { items } = await this.list()
    if (!items.some((item) => item.id === id)) throw new Error('no such connection')
    await this.updateSettings((settings) => {
      settings.activeConnectionId = id
    })
  }

  private urlOf(id: string): string | null {
    if (id === embeddedConnectionId) return this.options.embeddedBackend().url
    return this.settings?.connections.find((connection) => connection.id === id)?.url ?? null
  }

  private clientFor(id: string): ApiClient | null {
    const url = this.urlOf(id)
    if (!url) return null
    const existing = this.clients.get(id)
    if (existing && existing.baseUrl === url) return existing
    const client = new ApiClient({
      baseUrl: url,
      store: this.options.credentials.sessionFor(id),
      fetch: this.options.fetch,
      onSessionEnded: (reason) => this.options.onSessionEnded?.(id, reason),
      userAgent: this.options.userAgent,
    })
    this.clients.set(id, client)
    return client
  }

  firstRun(): FirstRun | null {
    return this.settings?.activeConnectionId === embeddedConnectionId ? (this.options.firstRun?.() ?? null) : null
  }

  async activeClient(): Promise<ApiClient | null> {
    const settings = await this.loaded()
    return settings.activeConnectionId ? this.clientFor(settings.activeConnectionId) : null
  }

  async status(): Promise<SessionStatus> {
    const settings = await this.loaded()
    const { items } = await this.list()
    const connection = items.find((item) => item.id === settings.activeConnectionId) ?? null
    const backend = this.options.embeddedBackend()
    const client = await this.activeClient()
    let signedIn = false
    if (client) signedIn = client.user !== null || ((await client.hasSession()) && (await client.resume()))
    return {
      connection,
      backend: connection?.kind === 'remote' ? 'ready' : backend.state,
      backendMessage: connection?.kind === 'remote' ? null : backend.message,
      signedIn,
      user: signedIn ? client!.user : null,
      memberships: signedIn ? client!.memberships : [],
      origin: signedIn ? client!.origin : null,
      credentialStore: this.options.credentials.mode,
      credentialStoreMessage: this.options.credentials.message,
      firstRun:
        !signedIn && connection?.kind === 'embedded' && backend.state === 'ready'
          ? ((await this.options
              .firstRun?.()
              ?.needed()
              .catch(() => false)) ?? false)
          : false,
    }
  }
}
