/**
 * @module admin-posture-routes
 * The security posture, read from the live catalog rather than asserted: RLS flags and policies
 * per table, each limena role's attributes and effective privileges, key ages, migrations, and a
 * list of guarantees, each marked as holding or not. It goes through the one audited operator
 * read like every operator GET, but reads no tenant data, so no tenant's log gets a row; the
 * reason is still required like on every operator route.
 */
import { globalTables } from '../db/global-tables.js'
import { roleNames } from '../db/pools.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { auditedOperatorRead, operatorCall, readResult } from './operator-access.js'

const privileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const

export const adminPostureHandlers = {
  async adminPosture(context) {
    const call = operatorCall(context)
    return auditedOperatorRead(call, 'security posture', async (client) => {
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
      const appendAudit = (
        await client.query<{
          security_definer: boolean
          config: string[] | null
          owner: string
          owner_can_login: boolean
          executors: string[]
        }>(
          `SELECT p.prosecdef AS security_definer, p.proconfig AS config, r.rolname::text AS owner, r.rolcanlogin AS owner_can_login,
                  ARRAY(SELECT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(acl.grantee)::text END
                          FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                         WHERE acl.privilege_type = 'EXECUTE' AND acl.grantee <> p.proowner ORDER BY 1) AS executors
             FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
            WHERE p.proname = 'append_audit' AND p.pronamespace = 'limena'::regnamespace`,
        )
      ).rows[0]
      // The owner of append_audit is a limena role too, so its attributes and grants are shown and checked.
      const roleNamesShown = [...new Set([...Object.values(roleNames), ...(appendAudit ? [appendAudit.owner] : [])])]
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
      const directAuditWrites = [roleNames.app, roleNames.maintenance].flatMap((role) =>
        ['audit_logs', 'audit_chain_heads'].flatMap((table) =>
          privilegesOf(role, table)
            .filter((privilege) => privilege !== 'SELECT')
            .map((privilege) => `${role} ${privilege} on ${table}`),
        ),
      )
      const appendProblems = !appendAudit
        ? ['append_audit is missing']
        : [
            ...(appendAudit.security_definer ? [] : ['append_audit is not SECURITY DEFINER']),
            ...(appendAudit.owner_can_login ? [`its owner ${appendAudit.owner} can log in`] : []),
            ...(/^search_path=.*\bpg_temp$/.test(appendAudit.config?.find((setting) => setting.startsWith('search_path=')) ?? '')
              ? []
              : ['its search_path is not fixed with pg_temp last']),
            ...appendAudit.executors
              .filter((role) => role !== roleNames.app && role !== roleNames.maintenance)
              .map((role) => `${role} may execute it`),
            ...directAuditWrites,
          ]
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
          {
            name: 'Audit rows are appended only through append_audit',
            holds: appendProblems.length === 0,
            detail: appendProblems.length
              ? appendProblems.join('; ')
              : `SECURITY DEFINER of ${appendAudit!.owner} (cannot log in), fixed search_path, executable by ${appendAudit!.executors.join(', ')}; they only read audit_logs and audit_chain_heads`,
          },
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
      return readResult(posture, [])
    })
  },
} satisfies DomainHandlers
