/**
 * @module admin-posture-routes
 * The security posture, read from the live catalog rather than asserted: RLS flags and policies
 * per table, each limena role's attributes and effective privileges, key ages, migrations, and a
 * list of guarantees, each marked as holding or not. A read about the platform: recorded once in
 * the platform audit log (`platform.posture_read`) with the reason, like every operator read.
 *
 * Keys are read live too. The encryption versions are the running keyring's (which re-reads the
 * install's secrets, so `rotate-keys --encryption` shows without a restart) together with those
 * the integration secrets are sealed under now; tenant API keys older than 90 days are counted
 * across every live tenant, with the oldest listed.
 */
import type { Posture } from '@shared/contract.js'
import { globalTables } from '../db/global-tables.js'
import { roleNames, type DbClient } from '../db/pools.js'
import type { DomainHandlers, OperatorContext } from '../http/operation-context.js'
import { keyRotationDays } from '../secrets/key-ages.js'
import { operatorCall, platformOperatorRead, platformResult } from './operator-access.js'

/** The oldest tenant API keys past their age that the posture lists (the count covers all). */
const oldApiKeysListed = 100

/**
 * The install's keys with the encryption versions as they are now: those this server started
 * with, up to the newest the keyring holds after re-reading the secrets, and any version a
 * stored secret is sealed under; only the newest is current. `sealedSecrets` counts the
 * integration secrets sealed under each version.
 */
async function liveKeys(context: OperatorContext, client: DbClient): Promise<Posture['keys']> {
  const started = context.deps.keyAges()
  const sealed = new Map(
    (
      await client.query<{ version: number; secrets: number }>(
        'SELECT key_version AS version, count(*)::int AS secrets FROM integrations GROUP BY key_version',
      )
    ).rows.map((row) => [row.version, row.secrets]),
  )
  const startedEncryption = started.filter((key) => key.kind === 'encryption')
  const versionOf = (id: string) => Number(id.slice(1))
  const startedNewest = Math.max(0, ...startedEncryption.map((key) => versionOf(key.id)))
  // A keyring that cannot re-read the secrets still knows the keys it holds: the posture shows those.
  const held = await context.deps.keyring.versions().catch(() => [])
  const keyringNewest = Math.max(startedNewest, ...held.map((key) => key.version))
  const dayMillis = 86_400_000
  const newest = Math.max(startedNewest, keyringNewest)
  const versions = new Set([...startedEncryption.map((key) => versionOf(key.id)), ...sealed.keys()])
  for (let version = startedNewest + 1; version <= newest; version += 1) versions.add(version)
  const encryption = [...versions]
    .sort((a, b) => a - b)
    .map((version) => {
      const known = startedEncryption.find((key) => versionOf(key.id) === version)
      // A version added by rotate-keys since the server started: its date from the re-read secrets.
      const createdAt = known?.createdAt ?? held.find((key) => key.version === version)?.createdAt ?? null
      const ageDays = known?.ageDays ?? (createdAt ? Math.floor((Date.now() - Date.parse(createdAt)) / dayMillis) : null)
      return {
        kind: 'encryption' as const,
        id: `v${version}`,
        createdAt,
        ageDays,
        retired: version !== newest,
        rotationDue: (ageDays ?? 0) > keyRotationDays,
        sealedSecrets: sealed.get(version) ?? 0,
      }
    })
  const signing = started.filter((key) => key.kind === 'jwt-signing').map((key) => ({ ...key, sealedSecrets: null }))
  return [...encryption, ...signing]
}

/** Live tenant API keys (not revoked, not expired, of live tenants) and those older than the rotation age. */
async function apiKeyAges(client: DbClient): Promise<Posture['apiKeys']> {
  const live = `FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE t.deleted_at IS NULL AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`
  const old = `k.created_at < now() - make_interval(days => ${keyRotationDays})`
  const counts = (
    await client.query<{ live: number; older: number; tenants: number }>(
      `SELECT count(*)::int AS live, (count(*) FILTER (WHERE ${old}))::int AS older,
              (count(DISTINCT k.tenant_id) FILTER (WHERE ${old}))::int AS tenants ${live}`,
    )
  ).rows[0]!
  const oldest = (
    await client.query<{
      tenant_id: string
      tenant_name: string
      id: string
      name: string
      prefix: string
      created_at: Date
      age_days: number
      last_used_at: Date | null
      expires_at: Date | null
    }>(
      `SELECT k.tenant_id, t.name AS tenant_name, k.id, k.name, k.prefix, k.created_at, k.last_used_at, k.expires_at,
              floor(extract(epoch FROM now() - k.created_at) / 86400)::int AS age_days
         ${live} AND ${old}
        ORDER BY k.created_at, k.id LIMIT ${oldApiKeysListed}`,
    )
  ).rows
  return {
    maxAgeDays: keyRotationDays,
    ...counts,
    oldest: oldest.map((row) => ({
      tenantId: row.tenant_id,
      tenantName: row.tenant_name,
      keyId: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: row.created_at.toISOString(),
      ageDays: row.age_days,
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
      expiresAt: row.expires_at?.toISOString() ?? null,
    })),
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

const privileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const

/** The append-only logs, by the one function that appends to them (migrations 0009 and 0011). */
const appendOnlyLogs = {
  append_audit: ['audit_logs', 'audit_chain_heads'],
  append_platform_audit: ['platform_audit_logs', 'platform_audit_head'],
} as const
type AppendFunctionName = keyof typeof appendOnlyLogs

interface AppendFunction {
  name: AppendFunctionName
  security_definer: boolean
  config: string[] | null
  owner: string
  owner_can_login: boolean
  executors: string[]
}

/** What breaks "appended only through `name`": the function's form, its executors, and direct writes to its tables. */
function appendOnlyProblems(fn: AppendFunction | undefined, name: string, directWrites: string[]): string[] {
  if (!fn) return [`${name} is missing`]
  return [
    ...(fn.security_definer ? [] : [`${name} is not SECURITY DEFINER`]),
    ...(fn.owner_can_login ? [`its owner ${fn.owner} can log in`] : []),
    ...(/^search_path=.*\bpg_temp$/.test(fn.config?.find((setting) => setting.startsWith('search_path=')) ?? '')
      ? []
      : ['its search_path is not fixed with pg_temp last']),
    ...fn.executors.filter((role) => role !== roleNames.app && role !== roleNames.maintenance).map((role) => `${role} may execute it`),
    ...directWrites,
  ]
}

export const adminPostureHandlers = {
  async adminPosture(context) {
    const call = operatorCall(context)
    return platformOperatorRead(call, 'platform.posture_read', 'security posture', async (client) => {
      const tables = (
        await client.query<{ name: string; enabled: boolean; forced: boolean; tenant_scoped: boolean }>(
          `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                  EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) OR c.relname = 'tenants' AS tenant_scoped
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'limena' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
        )
      ).rows
      const policies = (
        await client.query<{
          tablename: string
          policyname: string
          cmd: string
          roles: string[] | string
          qual: string | null
          with_check: string | null
        }>(
          "SELECT tablename, policyname, cmd, roles, qual, with_check FROM pg_policies WHERE schemaname = 'limena' ORDER BY tablename, policyname",
        )
      ).rows
      const appendFunctions = (
        await client.query<AppendFunction>(
          `SELECT p.proname::text AS name, p.prosecdef AS security_definer, p.proconfig AS config, r.rolname::text AS owner,
                  r.rolcanlogin AS owner_can_login,
                  ARRAY(SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee)::text END
                          FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                         WHERE acl.privilege_type = 'EXECUTE' AND acl.grantee <> p.proowner ORDER BY 1) AS executors
             FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
            WHERE p.proname = ANY($1) AND p.pronamespace = 'limena'::regnamespace`,
          [Object.keys(appendOnlyLogs)],
        )
      ).rows
      // The owner of the append functions is a limena role too, so its attributes and grants are shown and checked.
      const roleNamesShown = [...new Set([...Object.values(roleNames), ...appendFunctions.map((fn) => fn.owner)])]
      const roles = (
        await client.query<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean }>(
          'SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
          [roleNamesShown],
        )
      ).rows
      const grants = (
        await client.query<{ role: string; table: string; privilege: string }>(
          `SELECT r.rolname AS role, c.relname AS table, p.privilege
             FROM pg_roles r CROSS JOIN pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest($2::text[]) AS p(privilege)
            WHERE r.rolname = ANY($1) AND n.nspname = 'limena' AND c.relkind IN ('r', 'p')
              AND CASE WHEN p.privilege IN ('SELECT', 'INSERT', 'UPDATE') THEN has_any_column_privilege(r.oid, c.oid, p.privilege)
                       ELSE has_table_privilege(r.oid, c.oid, p.privilege) END
            ORDER BY 1, 2`,
          [roleNamesShown, privileges],
        )
      ).rows
      const migrations = (await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version')).rows.map(
        (row) => row.name,
      )

      const tablesOut = tables.map((table) => ({
        name: table.name,
        tenantScoped: table.tenant_scoped,
        rlsEnabled: table.enabled,
        rlsForced: table.forced,
        policies: policies
          .filter((policy) => policy.tablename === table.name)
          .map((policy) => ({
            name: policy.policyname,
            command: policy.cmd,
            roles: Array.isArray(policy.roles) ? policy.roles : String(policy.roles).replace(/[{}]/g, '').split(',').filter(Boolean),
            using: policy.qual,
            check: policy.with_check,
          })),
      }))
      const rolesOut = roles.map((role) => {
        const byTable = new Map<string, string[]>()
        for (const grant of grants.filter((entry) => entry.role === role.rolname))
          byTable.set(grant.table, [...(byTable.get(grant.table) ?? []), grant.privilege])
        return {
          name: role.rolname,
          canLogin: role.rolcanlogin,
          superuser: role.rolsuper,
          bypassRls: role.rolbypassrls,
          grants: [...byTable.entries()].map(([table, list]) => ({ table, privileges: list })),
        }
      })
      const keys = await liveKeys(context, client)
      const apiKeys = await apiKeyAges(client)
      const privilegesOf = (role: string, table: string) =>
        rolesOut.find((entry) => entry.name === role)?.grants.find((grant) => grant.table === table)?.privileges ?? []
      const unprotected = tablesOut
        .filter((table) => !globalTables.includes(table.name) && !(table.rlsEnabled && table.rlsForced))
        .map((table) => table.name)
      const unsafeRoles = rolesOut.filter((role) => role.superuser || role.bypassRls).map((role) => role.name)
      const readonlyWrites =
        rolesOut
          .find((role) => role.name === roleNames.readonly)
          ?.grants.filter((grant) => grant.privileges.some((privilege) => privilege !== 'SELECT')) ?? []
      const appAuditPrivileges = privilegesOf(roleNames.app, 'audit_logs')
      const appendGuarantee = (name: AppendFunctionName, rows: string) => {
        const fn = appendFunctions.find((entry) => entry.name === name)
        const directWrites = [roleNames.app, roleNames.maintenance].flatMap((role) =>
          appendOnlyLogs[name].flatMap((table) =>
            privilegesOf(role, table)
              .filter((privilege) => privilege !== 'SELECT')
              .map((privilege) => `${role} ${privilege} on ${table}`),
          ),
        )
        const problems = appendOnlyProblems(fn, name, directWrites)
        return {
          name: `${rows} are appended only through ${name}`,
          holds: problems.length === 0,
          detail: problems.length
            ? problems.join('; ')
            : `SECURITY DEFINER of ${fn!.owner} (cannot log in), fixed search_path, executable by ${fn!.executors.join(', ')}; they write neither ${appendOnlyLogs[name].join(' nor ')} directly`,
        }
      }
      const dueKeys = keys.filter((key) => key.rotationDue && !key.retired)
      const posture = {
        tables: tablesOut,
        roles: rolesOut,
        keys,
        migrations: { applied: migrations, latest: migrations.at(-1) ?? null },
        guarantees: [
          {
            name: 'Every tenant table has row-level security enabled and forced',
            holds: unprotected.length === 0,
            detail: unprotected.length
              ? `not forced: ${unprotected.join(', ')}`
              : `${tablesOut.filter((table) => table.tenantScoped).length} tenant tables checked`,
          },
          {
            name: 'No limena role is superuser or bypasses RLS',
            holds: unsafeRoles.length === 0,
            detail: unsafeRoles.length ? `unsafe: ${unsafeRoles.join(', ')}` : `${rolesOut.length} roles checked`,
          },
          {
            name: 'The audit log is append-only for the app role',
            holds: appAuditPrivileges.every((privilege) => ['SELECT', 'INSERT'].includes(privilege)),
            detail: `limena_app on audit_logs: ${appAuditPrivileges.join(', ') || 'none'}`,
          },
          appendGuarantee('append_audit', 'Audit rows'),
          appendGuarantee('append_platform_audit', 'Platform audit rows'),
          {
            name: 'The read-only operator role cannot write',
            holds: readonlyWrites.length === 0,
            detail: readonlyWrites.length ? `writes on ${readonlyWrites.map((grant) => grant.table).join(', ')}` : 'SELECT only',
          },
          {
            name: `Install keys (encryption, JWT signing) are younger than ${keyRotationDays} days`,
            holds: dueKeys.length === 0,
            detail: dueKeys.length
              ? `rotate: ${dueKeys.map((key) => `${key.kind} ${key.id} (${key.ageDays} days)`).join(', ')}`
              : `all keys within ${keyRotationDays} days or of unknown age`,
          },
          {
            name: `Tenant API keys are younger than ${keyRotationDays} days`,
            holds: apiKeys.older === 0,
            detail: apiKeys.older
              ? `${plural(apiKeys.older, 'key')} older than ${keyRotationDays} days across ${plural(apiKeys.tenants, 'tenant')} (of ${apiKeys.live} live): roll them`
              : `${plural(apiKeys.live, 'live key')} checked`,
          },
        ],
        apiKeys,
      }
      return platformResult(posture)
    })
  },
} satisfies DomainHandlers
