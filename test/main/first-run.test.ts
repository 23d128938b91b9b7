/**
 * First run on an empty embedded install: offered only while no platform operator exists,
 * creates one and signs in through the bridge, and cannot be used again afterwards.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { firstRunFor } from '../../src/server/embedded.js'
import { createRpcRouter, type RpcRoute } from '../../src/main/rpc-router.js'
import { useTestDatabase } from '../support/test-database.js'
import { useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const caller = { senderUrl: 'app://console' }
let route: RpcRoute

beforeAll(async () => {
  const credentials = await openCredentialStore(memoryVault())
  const connections = new ConnectionManager({
    settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-first-run-')), 'settings.json'),
    credentials,
    embeddedBackend: () => ({ state: 'ready', url: server().url, message: null }),
    firstRun: () => firstRunFor(database().pools),
  })
  route = createRpcRouter({
    isTrustedSender: (url) => url === caller.senderUrl,
    connections,
    chooseSavePath: async () => null,
    emit: () => undefined,
  })
})

describe('first run', () => {
  it('is offered while the install has no operator', async () => {
    expect(await route(caller, 'sessionStatus', {})).toMatchObject({ ok: true, value: { signedIn: false, firstRun: true } })
  })

  it('refuses a weak password, then creates the operator and signs in', async () => {
    expect(await route(caller, 'createFirstOperator', { email: 'first@example.test', password: 'short' })).toMatchObject({
      ok: false,
      problem: { status: 400, detail: 'a password needs at least 12 characters' },
    })
    const created = await route(caller, 'createFirstOperator', { email: 'first@example.test', password: 'the first operator password' })
    expect(created).toMatchObject({
      ok: true,
      value: { signedIn: true, firstRun: false, user: { email: 'first@example.test', isPlatformAdmin: true } },
    })
  })

  it('cannot be used again once an operator exists', async () => {
    await route(caller, 'signOut', {})
    expect(await route(caller, 'sessionStatus', {})).toMatchObject({ ok: true, value: { firstRun: false } })
    expect(await route(caller, 'createFirstOperator', { email: 'second@example.test', password: 'another long password' })).toMatchObject({
      ok: false,
      problem: { status: 409 },
    })
  })
})
