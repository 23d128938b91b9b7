#!/usr/bin/env node
// The baseline of the bench's authorised read: the same query as GET /tenants/:id/members, on a
// bare Express + pg route with the same RLS transaction, and no authentication, validation or
// headers. A process of its own, like `limena serve`, so neither shares an event loop with the
// load generator. Prints "listening on URL".
import { once } from 'node:events'
import express from 'express'
import pg from 'pg'

const { BARE_DATABASE_URL: databaseUrl, BARE_TENANT_ID: tenantId } = process.env
const membersSql = `SELECT m.tenant_id, m.user_id, u.email, u.display_name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 ORDER BY u.email`
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, options: '-c search_path=limena' })
pool.on('error', () => undefined)

const app = express()
app.get('/members', async (_request, response) => {
  const client = await pool.connect()
  try {
    await client.query('BEGIN READ ONLY')
    await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantId])
    const result = await client.query(membersSql, [tenantId])
    await client.query('COMMIT')
    response.json({ items: result.rows })
  } finally {
    client.release()
  }
})
const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`)
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))))
