/**
 * healthz through real HTTP: 200 with the database up, 503 (and the security headers) when the
 * database cannot be reached.
 */
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabasePools, type DatabasePools } from '../../../src/server/db/pools.js'
import type { ListeningServer } from '../../../src/server/http-server.js'
import { useTestDatabase } from '../../support/test-database.js'
import { testPasswords } from '../../support/test-settings.js'
import { startTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
let upServer: ListeningServer
let downPools: DatabasePools
let downServer: ListeningServer

beforeAll(async () => {
  upServer = (await startTestServer(database())).listening
  downPools = createDatabasePools('postgresql://nobody@127.0.0.1:1/limena', testPasswords, { connectionTimeoutMillis: 500 })
  downServer = (await startTestServer({ ...database(), pools: downPools })).listening
})

afterAll(async () => {
  await upServer.close()
  await downServer.close()
  await downPools.close()
})

describe('GET /api/v1/healthz', () => {
  it('answers 200 {status: ok, db: up} when the database answers', async () => {
    const response = await fetch(`${upServer.url}/api/v1/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'up' })
  })

  it('answers 503 {status: unavailable, db: down} when it does not', async () => {
    const response = await fetch(`${downServer.url}/api/v1/healthz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: 'unavailable', db: 'down' })
    expect(response.headers.get('x-frame-options')).toBe('DENY')
  })

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${upServer.url}/api/v1/no-such-route`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' })
  })

  it('reports the port it was given when asked for port 0', () => {
    expect((upServer.server.address() as AddressInfo).port).toBe(upServer.port)
  })
})
