/**
 * @module seed-demo
 * Fills an install with realistic demo data, set-based: tenants, members of every role, API keys,
 * integrations (sealed like real ones), 45 days of hourly AI usage with a few tripped quotas, and
 * months of audit events in valid hash chains. Rows are generated into a temporary table, the
 * chains are computed in one pass, then everything is inserted with single INSERT … SELECTs; the
 * trigram index is rebuilt after a large load instead of being updated row by row. All in one
 * transaction: a failure leaves nothing half-seeded. Needs a superuser connection (the embedded
 * database, or DATABASE_URL of a superuser): it writes across tenants in one statement.
 */
import { randomUUID } from 'node:crypto'
import { sealSecret } from '../crypto/secret-box.js'
import { masterKeyBytes } from '../crypto/derive-key.js'
import { hashPassword } from '../crypto/passwords.js'
import { connectAdmin, type AdminClient } from '../db/pools.js'
import { LimenaError } from '../platform/errors.js'
import { integrationSecretPurpose } from '../integrations/integration-routes.js'
import type { EncryptionKey } from '../secrets/install-secrets.js'

export const demoPassword = 'limena-demo-password'

const adjectives = [
  'Northwind',
  'Bluefin',
  'Copper',
  'Granite',
  'Harbor',
  'Juniper',
  'Lumen',
  'Maple',
  'Nimbus',
  'Orchid',
  'Pioneer',
  'Quartz',
  'Redwood',
  'Summit',
  'Tidal',
  'Umber',
  'Vertex',
  'Willow',
  'Zephyr',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Delta',
  'Ember',
]
const nouns = [
  'Analytics',
  'Logistics',
  'Health',
  'Studios',
  'Labs',
  'Robotics',
  'Finance',
  'Foods',
  'Energy',
  'Travel',
  'Security',
  'Media',
  'Learning',
  'Retail',
  'Systems',
  'Works',
  'Capital',
  'Bio',
  'Networks',
  'Design',
]
const firstNames = [
  'ada',
  'ben',
  'chen',
  'dara',
  'emil',
  'fatima',
  'gus',
  'hana',
  'ivan',
  'jo',
  'kemal',
  'lena',
  'mateo',
  'nia',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sven',
  'tara',
  'uma',
  'vik',
  'wen',
  'yara',
]
const lastNames = [
  'alvarez',
  'brooks',
  'costa',
  'dubois',
  'eriksen',
  'fischer',
  'garcia',
  'haddad',
  'ito',
  'jensen',
  'kowalski',
  'lopez',
  'moreau',
  'nakamura',
  'okafor',
  'petrov',
  'rossi',
  'silva',
  'tanaka',
  'weber',
]
/** Audit actions with their relative frequency. */
const actionWeights: Array<[string, number]> = [
  ['auth.login', 30],
  ['auth.logout', 14],
  ['auth.login_failed', 7],
  ['tenant.updated', 5],
  ['member.added', 4],
  ['member.invited', 3],
  ['member.role_changed', 2],
  ['member.removed', 1],
  ['api_key.created', 3],
  ['api_key.deleted', 1],
  ['integration.connected', 2],
  ['integration.disconnected', 1],
  ['auth.password_changed', 1],
  ['audit.exported', 1],
  ['operator.read', 3],
  ['ai.quota_tripped', 1],
]
const userAgents = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36',
  'limena-cli/1.4',
  'python-requests/2.32',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
]
const scopeSets = [
  ['tenant:read'],
  ['audit:read'],
  ['ai:write'],
  ['ai:write', 'tenant:read'],
  ['keys:write', 'members:write'],
  ['integrations:write'],
]

/** A SQL expression picking one of `scopeSets` by `position` (arrays of arrays must be rectangular in SQL). */
function scopeChoice(position: string): string {
  return `CASE ${position} % ${scopeSets.length} ${scopeSets.map((set, index) => `WHEN ${index} THEN ${sqlArray(set)}`).join(' ')} END`
}

const sqlArray = (values: string[]): string => `ARRAY[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(',')}]`

export interface SeedResult {
  tenants: number
  users: number
  auditRows: number
  usageRows: number
  trippedTenants: number
  /** A few people to sign in as (they share the demo password). */
  sampleSignIns: Array<{ email: string; role: string; tenant: string }>
  seconds: number
}

async function assertSuperuser(client: AdminClient): Promise<void> {
  const result = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')
  if (!result.rows[0]?.rolsuper) {
    throw new LimenaError(
      'input_invalid',
      'seed-demo needs a superuser connection (the embedded database, or a DATABASE_URL of a superuser): it writes across tenants in single statements',
    )
  }
}

export async function seedDemo(options: {
  adminUrl: string
  tenants: number
  auditRows: number
  encryptionKeys: EncryptionKey[]
}): Promise<SeedResult> {
  const started = Date.now()
  const client = await connectAdmin(options.adminUrl)
  const passwordHash = await hashPassword(demoPassword)
  const run = randomUUID().slice(0, 6)
  try {
    await assertSuperuser(client)
    await client.query('BEGIN')
    await client.query(
      "SET LOCAL search_path = limena, public; SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL synchronous_commit = off",
    )

    await client.query(
      `CREATE TEMP TABLE demo_tenants ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, i,
              a.words[1 + (i * 7) % array_length(a.words, 1)] || ' ' || n.words[1 + (i * 11 + i / 17) % array_length(n.words, 1)] ||
                CASE WHEN i > array_length(a.words, 1) * array_length(n.words, 1) / 4 THEN ' ' || i ELSE '' END AS name,
              now() - ((30 + random() * 600) * interval '1 day') AS created_at,
              (i % 10) + 1 AS activity
         FROM generate_series(1, $1::int) i, (SELECT ${sqlArray(adjectives)} AS words) a, (SELECT ${sqlArray(nouns)} AS words) n`,
      [options.tenants],
    )
    await client.query(
      `INSERT INTO tenants (id, name, slug, created_at, updated_at)
       SELECT id, name, left(trim(both '-' FROM regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), 48) || '-' || $1 || '-' || i, created_at, created_at FROM demo_tenants`,
      [run],
    )

    await client.query(
      `CREATE TEMP TABLE demo_members ON COMMIT DROP AS
       SELECT t.id AS tenant_id, gen_random_uuid() AS user_id, m, t.i,
              f.words[1 + (t.i * 3 + m * 5) % array_length(f.words, 1)] AS first_name,
              l.words[1 + (t.i * 7 + m * 3) % array_length(l.words, 1)] AS last_name,
              CASE WHEN m = 1 THEN 'owner' WHEN m = 2 THEN 'admin' WHEN m = 4 + t.i % 5 THEN 'viewer' ELSE 'member' END::tenant_role AS role
         FROM demo_tenants t, generate_series(1, 4 + t.i % 5) m, (SELECT ${sqlArray(firstNames)} AS words) f, (SELECT ${sqlArray(lastNames)} AS words) l`,
    )
    await client.query(
      `INSERT INTO users (id, email, display_name, password_hash, created_at)
       SELECT user_id, first_name || '.' || last_name || '.' || m || '@' || t.slug || '.example', initcap(first_name) || ' ' || initcap(last_name), $1, t.created_at
         FROM demo_members dm JOIN tenants t ON t.id = dm.tenant_id`,
      [passwordHash],
    )
    await client.query(
      "INSERT INTO memberships (tenant_id, user_id, role, created_at) SELECT tenant_id, user_id, role, now() - random() * 200 * interval '1 day' FROM demo_members",
    )
    await client.query(
      `CREATE TEMP TABLE demo_people ON COMMIT DROP AS
       SELECT dm.tenant_id, array_agg(dm.user_id ORDER BY m) AS ids, array_agg(u.email ORDER BY m) AS emails
         FROM demo_members dm JOIN users u ON u.id = dm.user_id GROUP BY dm.tenant_id`,
    )

    await client.query(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by, created_at, last_used_at)
       SELECT t.id, (ARRAY['CI deploy', 'Data warehouse sync', 'Support bot', 'Billing export', 'Chat assistant'])[1 + (t.i + k) % 5],
              'lmn_' || substr(md5(random()::text), 1, 6), sha256(convert_to(gen_random_uuid()::text, 'UTF8')),
              ${scopeChoice('(t.i + k)')},
              p.ids[1], now() - ((10 + random() * 300) * interval '1 day'), CASE WHEN random() < 0.8 THEN now() - random() * 72 * interval '1 hour' END
         FROM demo_tenants t JOIN demo_people p ON p.tenant_id = t.id, generate_series(1, 1 + t.i % 3) k`,
    )

    const newestKey = options.encryptionKeys.reduce((best, key) => (key.version > best.version ? key : best))
    const tenantRows = (await client.query<{ id: string; i: number }>('SELECT id, i FROM demo_tenants ORDER BY i')).rows
    const integrations = { tenant: [] as string[], provider: [] as string[], label: [] as string[], secret: [] as Buffer[] }
    const providers = ['slack', 'jira', 'github'] as const
    for (const tenant of tenantRows) {
      for (let index = 0; index < tenant.i % 4; index += 1) {
        const provider = providers[(tenant.i + index) % 3]!
        integrations.tenant.push(tenant.id)
        integrations.provider.push(provider)
        integrations.label.push(
          `${provider === 'slack' ? 'Workspace' : provider === 'jira' ? 'Project' : 'Organisation'} ${tenant.i}-${index + 1}`,
        )
        integrations.secret.push(
          sealSecret(
            `demo-${provider}-token-${randomUUID()}`,
            { version: newestKey.version, key: masterKeyBytes(newestKey.key) },
            { tenantId: tenant.id, purpose: integrationSecretPurpose },
          ),
        )
      }
    }
    await client.query(
      `INSERT INTO integrations (tenant_id, provider, label, secret_ciphertext, key_version, connected_at)
       SELECT tenant_id, provider, label, secret, $5, now() - random() * 200 * interval '1 day'
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[]) AS x(tenant_id, provider, label, secret)`,
      [integrations.tenant, integrations.provider, integrations.label, integrations.secret, newestKey.version],
    )

    const usage = await client.query(
      `INSERT INTO ai_usage (tenant_id, bucket_start, calls, tokens)
       SELECT t.id, h.bucket, c.calls, c.calls * (300 + (random() * 1500)::int)
         FROM demo_tenants t
         CROSS JOIN generate_series(date_trunc('hour', now(), 'UTC') - interval '45 days', date_trunc('hour', now(), 'UTC'), interval '1 hour') h(bucket)
         CROSS JOIN LATERAL (SELECT (1 + random() * t.activity * 4)::int AS calls) c
        WHERE random() < t.activity / 14.0 * (CASE WHEN extract(hour FROM h.bucket) BETWEEN 8 AND 19 THEN 1.0 ELSE 0.25 END)`,
    )
    await client.query(
      `INSERT INTO ai_quotas (tenant_id, velocity_per_hour, monthly_token_ceiling, hour_window_start, hour_calls, month_window_start, month_tokens)
       SELECT t.id,
              CASE WHEN t.i % 23 = 0 THEN 50 ELSE 500 END,
              CASE WHEN t.i % 17 = 0 THEN greatest(coalesce(m.tokens, 0), 100000) WHEN t.i % 7 = 0 THEN greatest(coalesce(m.tokens, 0) * 5 / 4, 100000) ELSE 20000000 END,
              date_trunc('hour', now(), 'UTC'), coalesce(h.calls, 0),
              date_trunc('month', now(), 'UTC'), coalesce(m.tokens, 0)
         FROM demo_tenants t
         LEFT JOIN LATERAL (SELECT sum(tokens) AS tokens FROM ai_usage u WHERE u.tenant_id = t.id AND u.bucket_start >= date_trunc('month', now(), 'UTC')) m ON true
         LEFT JOIN LATERAL (SELECT sum(calls)::int AS calls FROM ai_usage u WHERE u.tenant_id = t.id AND u.bucket_start = date_trunc('hour', now(), 'UTC')) h ON true`,
    )
    const trips = await client.query(
      `INSERT INTO quota_trips (tenant_id, kind, window_start, tripped_at, resets_at)
       SELECT tenant_id, 'monthly_ceiling', month_window_start, now() - interval '3 hours', month_window_start + interval '1 month'
         FROM ai_quotas WHERE tenant_id IN (SELECT id FROM demo_tenants) AND month_tokens >= monthly_token_ceiling`,
    )
    await client.query(
      `INSERT INTO quota_trips (tenant_id, kind, window_start, tripped_at, resets_at, reset_at, reset_reason)
       SELECT t.id, 'velocity', date_trunc('hour', now(), 'UTC') - (d * interval '1 day'), date_trunc('hour', now(), 'UTC') - (d * interval '1 day') + interval '40 minutes',
              date_trunc('hour', now(), 'UTC') - (d * interval '1 day') + interval '1 hour', date_trunc('hour', now(), 'UTC') - (d * interval '1 day') + interval '50 minutes', 'Demo: burst from a batch job'
         FROM demo_tenants t, generate_series(2, 8, 3) d WHERE t.i % 9 = 0`,
    )

    const weighted = actionWeights.flatMap(([action, weight]) => Array<string>(weight).fill(action))
    await client.query(
      `CREATE TEMP TABLE demo_audit ON COMMIT DROP AS
       SELECT g, t.id AS tenant_id, now() - random() * 120 * interval '1 day' AS at,
              (${sqlArray(weighted)})[1 + (random() * ${weighted.length - 1})::int] AS action,
              p.ids, p.emails, 1 + (random() * (array_length(p.ids, 1) - 1))::int AS who,
              (${sqlArray(userAgents)})[1 + (random() * ${userAgents.length - 1})::int] AS user_agent,
              ('203.0.113.' || (1 + (random() * 250)::int))::inet AS ip
         FROM generate_series(1, $1::int) g
         JOIN demo_tenants t ON t.i = 1 + ((g * 2654435761::bigint) % $2::int)
         JOIN demo_people p ON p.tenant_id = t.id`,
      [options.auditRows, options.tenants],
    )
    await client.query(
      `CREATE TEMP TABLE demo_rows ON COMMIT DROP AS
       SELECT a.tenant_id,
              (coalesce((SELECT seq FROM audit_chain_heads h WHERE h.tenant_id = a.tenant_id), 0) + row_number() OVER (PARTITION BY a.tenant_id ORDER BY a.at, a.g))::bigint AS seq,
              a.at, a.action,
              CASE WHEN a.action = 'operator.read' THEN 'operator' ELSE 'user' END AS actor_type,
              a.ids[a.who] AS actor_id, a.emails[a.who] AS actor_name,
              CASE WHEN a.action LIKE 'api_key.%' THEN 'api_key' WHEN a.action LIKE 'integration.%' THEN 'integration' WHEN a.action LIKE 'member.%' THEN 'user'
                   WHEN a.action LIKE 'ai.%' THEN 'ai_quota' WHEN a.action LIKE 'audit.%' THEN 'audit_log' WHEN a.action LIKE 'operator.%' THEN 'tenant_data' ELSE 'tenant' END AS target_type,
              NULL::text AS target_id,
              CASE WHEN a.action LIKE 'member.%' THEN a.emails[1 + (a.who % array_length(a.emails, 1))]
                   WHEN a.action LIKE 'api_key.%' THEN (ARRAY['CI deploy', 'Data warehouse sync', 'Support bot'])[1 + a.g % 3]
                   WHEN a.action LIKE 'integration.%' THEN (ARRAY['slack: Workspace', 'jira: Project', 'github: Organisation'])[1 + a.g % 3]
                   WHEN a.action = 'operator.read' THEN 'tenant detail' ELSE NULL END AS target_name,
              a.ip, a.user_agent, 'demo-' || a.g AS request_id,
              CASE WHEN a.action = 'operator.read' THEN (ARRAY['SUP-' || (1000 + a.g % 9000) || ' customer asked about a missing invoice', 'INC-' || (100 + a.g % 900) || ' investigating failed logins'])[1 + a.g % 2] END AS reason,
              CASE WHEN a.action = 'member.role_changed' THEN jsonb_build_object('role', jsonb_build_object('before', 'viewer', 'after', 'member'))
                   WHEN a.action = 'tenant.updated' THEN jsonb_build_object('name', jsonb_build_object('before', 'Old name ' || a.g % 50, 'after', 'New name ' || a.g % 50)) END AS changes,
              jsonb_build_object('demo', true) || CASE WHEN a.action = 'auth.login_failed' THEN '{"reason":"wrong_password"}'::jsonb ELSE '{}'::jsonb END AS metadata
         FROM demo_audit a`,
    )
    await client.query('CREATE INDEX ON demo_rows (tenant_id, seq)')
    await client.query(
      `CREATE FUNCTION pg_temp.demo_chain() RETURNS TABLE (chain_tenant uuid, chain_seq bigint, previous bytea, digest bytea) LANGUAGE plpgsql AS $$
       DECLARE r record; v_prev bytea; v_tenant uuid;
       BEGIN
         FOR r IN SELECT * FROM demo_rows ORDER BY tenant_id, seq LOOP
           IF v_tenant IS DISTINCT FROM r.tenant_id THEN
             v_tenant := r.tenant_id;
             SELECT h.hash INTO v_prev FROM audit_chain_heads h WHERE h.tenant_id = r.tenant_id;
             v_prev := coalesce(v_prev, '\\x${'00'.repeat(32)}'::bytea);
           END IF;
           chain_tenant := r.tenant_id; chain_seq := r.seq; previous := v_prev;
           digest := audit_digest(v_prev, r.seq, r.tenant_id, r.at, r.action, r.actor_type, r.actor_id, r.actor_name, r.target_type, r.target_id,
                                  r.target_name, r.ip, r.user_agent, r.request_id, r.reason, r.changes, r.metadata);
           v_prev := digest;
           RETURN NEXT;
         END LOOP;
       END $$`,
    )
    await client.query('CREATE TEMP TABLE demo_chain ON COMMIT DROP AS SELECT * FROM pg_temp.demo_chain()')
    const rebuildSearchIndex = options.auditRows >= 100_000
    if (rebuildSearchIndex) await client.query('DROP INDEX audit_logs_search_idx')
    const inserted = await client.query(
      `INSERT INTO audit_logs (tenant_id, seq, at, action, actor_type, actor_id, actor_name, target_type, target_id, target_name, ip, user_agent, request_id, reason, changes, metadata, prev_hash, hash)
       SELECT r.tenant_id, r.seq, r.at, r.action, r.actor_type, r.actor_id, r.actor_name, r.target_type, r.target_id, r.target_name, r.ip, r.user_agent, r.request_id, r.reason,
              r.changes, r.metadata, c.previous, c.digest
         FROM demo_rows r JOIN demo_chain c ON c.chain_tenant = r.tenant_id AND c.chain_seq = r.seq`,
    )
    if (rebuildSearchIndex) await client.query('CREATE INDEX audit_logs_search_idx ON audit_logs USING gin (search_text gin_trgm_ops)')
    await client.query(
      `INSERT INTO audit_chain_heads (tenant_id, seq, hash)
       SELECT DISTINCT ON (chain_tenant) chain_tenant, chain_seq, digest FROM demo_chain ORDER BY chain_tenant, chain_seq DESC
       ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    )
    const users = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM demo_members')
    const signIns = await client.query<{ email: string; role: string; tenant: string }>(
      `SELECT u.email, dm.role::text AS role, t.name AS tenant
         FROM demo_members dm JOIN users u ON u.id = dm.user_id JOIN tenants t ON t.id = dm.tenant_id
        WHERE dm.role IN ('owner', 'admin') ORDER BY t.name, dm.m LIMIT 3`,
    )
    await client.query('COMMIT')
    // As autovacuum would after a bulk load: set the rows' hint bits and visibility now, so the
    // first reader of a freshly seeded install (a benchmark's first export) does not pay for it.
    await client.query('VACUUM (ANALYZE) limena.audit_logs')
    return {
      tenants: options.tenants,
      users: users.rows[0]!.n,
      auditRows: inserted.rowCount ?? 0,
      usageRows: usage.rowCount ?? 0,
      trippedTenants: trips.rowCount ?? 0,
      sampleSignIns: signIns.rows,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    await client.end().catch(() => undefined)
  }
}
