/**
 * @module admin-posture-routes
 * The security posture, read from the live catalog rather than asserted: RLS flags and policies
 * per table, each limena role's attributes and effective privileges, key ages, migrations, and a
 * list of guarantees, each marked as holding or not. A read about the platform: recorded once in
 * the platform audit log (`platform.posture_read`) with the reason, like every operator read.
 */
import { globalTables } from '../db/global-tables.js'
import { roleNames } from '../db/pools.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { operatorCall, platformOperatorRead, platformResult } from './operator-access.js'

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
      const keys = context.deps.keyAges()
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
            name: 'Keys are younger than 90 days',
            holds: dueKeys.length === 0,
            detail: dueKeys.length
              ? `rotate: ${dueKeys.map((key) => `${key.kind} ${key.id} (${key.ageDays} days)`).join(', ')}`
              : 'all keys within 90 days or of unknown age',
          },
        ],
      }
      return platformResult(posture)
    })
  },
} satisfies DomainHandlers
