/**
 * Two tenants with at least one row in every tenant-scoped table, written as limena_app through
 * withTenant (the path the backend uses). A table added to the schema without a fixture here
 * makes the RLS test fail, so no table escapes it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { DatabasePools, DbClient, QueryResultRow } from '../../src/server/db/pools.js'
import { inTransaction, withTenant } from '../../src/server/db/with-tenant.js'
import { writeAudit } from '../../src/server/audit/audit-writer.js'

export interface SeededTenant {
  id: string
  slug: string
  userId: string
  /** Every inserted row, by table, as the database returned it. */
  rows: Record<string, QueryResultRow[]>
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest()

async function insert(
  client: DbClient,
  rows: Record<string, QueryResultRow[]>,
  table: string,
  values: Record<string, unknown>,
): Promise<QueryResultRow> {
  const columns = Object.keys(values)
  const result = await client.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING *`,
    Object.values(values),
  )
  const row = result.rows[0]!
  ;(rows[table] ??= []).push(row)
  return row
}

export async function seedTenant(pools: Pick<DatabasePools, 'app'>, label: string): Promise<SeededTenant> {
  const tenantId = randomUUID()
  const slug = `${label}-${randomBytes(3).toString('hex')}`
  const user = await inTransaction(pools.app, {}, async (client) => {
    const result = await client.query<{ id: string }>('INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id', [
      `${slug}@example.test`,
      '$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder',
    ])
    return result.rows[0]!.id
  })
  const rows: Record<string, QueryResultRow[]> = {}
  await withTenant(pools.app, tenantId, async (client) => {
    await insert(client, rows, 'tenants', { id: tenantId, name: `Tenant ${label}`, slug })
    await insert(client, rows, 'memberships', { tenant_id: tenantId, user_id: user, role: 'owner' })
    await insert(client, rows, 'invitations', {
      tenant_id: tenantId,
      email: `invitee-${slug}@example.test`,
      role: 'viewer',
      token_hash: sha256(`invite-${slug}`),
      expires_at: new Date(Date.now() + 7 * 86_400_000),
    })
    await insert(client, rows, 'api_keys', {
      tenant_id: tenantId,
      name: `key ${label}`,
      prefix: 'lmn_abcd',
      key_hash: sha256(`key-${slug}`),
      scopes: ['tenant:read'],
    })
    await insert(client, rows, 'integrations', {
      tenant_id: tenantId,
      provider: 'slack',
      label: `slack ${label}`,
      secret_ciphertext: randomBytes(48),
      key_version: 1,
    })
    await writeAudit(client, {
      tenantId,
      action: 'tenant.created',
      actor: { type: 'user', id: user, name: `${slug}@example.test` },
      target: { type: 'tenant', id: tenantId, name: `Tenant ${label}` },
    })
    rows.audit_logs = (await client.query('SELECT * FROM audit_logs WHERE tenant_id = $1', [tenantId])).rows
    rows.audit_chain_heads = (await client.query('SELECT * FROM audit_chain_heads WHERE tenant_id = $1', [tenantId])).rows
    await insert(client, rows, 'ai_quotas', { tenant_id: tenantId })
    await insert(client, rows, 'ai_usage', { tenant_id: tenantId, bucket_start: new Date('2026-11-01T10:00:00Z'), calls: 3, tokens: 1200 })
    await insert(client, rows, 'tenant_sso', {
      tenant_id: tenantId,
      issuer: `https://idp.${slug}.example.test`,
      client_id: `client-${label}`,
      client_secret_ciphertext: randomBytes(48),
      key_version: 1,
      default_role: 'viewer',
    })
    await insert(client, rows, 'sso_domains', { domain: `${slug}.example.test`, tenant_id: tenantId })
    await insert(client, rows, 'sso_attempts', {
      tenant_id: tenantId,
      issuer: `https://idp.${slug}.example.test`,
      state_hash: sha256(`state-${slug}`),
      nonce: `nonce-${slug}`,
      pkce_verifier: `verifier-${slug}`,
      app_redirect_uri: 'http://127.0.0.1:49152/sso/callback',
      app_code_challenge: `challenge-${slug}`,
      app_state: `state-${slug}`,
      expires_at: new Date(Date.now() + 600_000),
    })
    await insert(client, rows, 'quota_trips', {
      tenant_id: tenantId,
      kind: 'velocity',
      window_start: new Date('2026-11-01T10:00:00Z'),
      resets_at: new Date('2026-11-01T11:00:00Z'),
    })
  })
  return { id: tenantId, slug, userId: user, rows }
}
