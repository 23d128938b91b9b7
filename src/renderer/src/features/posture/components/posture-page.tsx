import { useQuery } from '@tanstack/react-query'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { postureQuery } from '../api/posture-queries'

const Check = ({ holds }: { holds: boolean }) => <span className={holds ? 'ok' : 'bad'}>{holds ? '✓' : '✗'}</span>

export function PosturePage() {
  const operatorCall = useOperatorCall()
  const posture = useQuery(postureQuery(operatorCall))
  if (posture.isPending) return <Loading label="Reading the live catalog…" />
  if (posture.isError) return <ErrorState error={posture.error} onRetry={() => void posture.refetch()} />
  const data = posture.data
  const dueKeys = data.keys.filter((key) => key.rotationDue && !key.retired)
  return (
    <section className="page">
      <header className="page-header">
        <h1>Security posture</h1>
        <span className="muted">Read from the live database, not from configuration.</span>
      </header>
      {dueKeys.length > 0 && (
        <Banner tone="warning" title="Keys older than 90 days.">
          Rotate them with{' '}
          <code>
            limena rotate-keys {dueKeys.some((key) => key.kind === 'jwt-signing') ? '--jwt' : ''}{' '}
            {dueKeys.some((key) => key.kind === 'encryption') ? '--encryption' : ''}
          </code>
          .
        </Banner>
      )}
      <h2>Guarantees</h2>
      <ul className="guarantees">
        {data.guarantees.map((guarantee) => (
          <li key={guarantee.name} className={guarantee.holds ? 'holds' : 'broken'}>
            <Check holds={guarantee.holds} /> <strong>{guarantee.name}</strong> <span className="muted">{guarantee.detail}</span>
          </li>
        ))}
      </ul>
      <h2>Tables</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Table</th>
            <th>Tenant data</th>
            <th>RLS enabled</th>
            <th>RLS forced</th>
            <th>Policies</th>
          </tr>
        </thead>
        <tbody>
          {data.tables.map((table) => (
            <tr key={table.name} className={table.tenantScoped && !(table.rlsEnabled && table.rlsForced) ? 'row-bad' : undefined}>
              <td>
                <code>{table.name}</code>
              </td>
              <td>{table.tenantScoped ? 'yes' : 'global'}</td>
              <td>
                <Check holds={table.rlsEnabled || !table.tenantScoped} />
              </td>
              <td>
                <Check holds={table.rlsForced || !table.tenantScoped} />
              </td>
              <td>
                {table.policies.map((policy) => (
                  <div key={policy.name} title={policy.using ?? ''}>
                    <code>{policy.name}</code>{' '}
                    <span className="muted">
                      {policy.command} to {policy.roles.join(', ')}
                    </span>
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Database roles</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Role</th>
            <th>Login</th>
            <th>Superuser</th>
            <th>Bypasses RLS</th>
            <th>Privileges</th>
          </tr>
        </thead>
        <tbody>
          {data.roles.map((role) => (
            <tr key={role.name} className={role.superuser || role.bypassRls ? 'row-bad' : undefined}>
              <td>
                <code>{role.name}</code>
              </td>
              <td>{role.canLogin ? 'yes' : 'no'}</td>
              <td>
                <Check holds={!role.superuser} />
              </td>
              <td>
                <Check holds={!role.bypassRls} />
              </td>
              <td className="privileges">{role.grants.map((grant) => `${grant.table}: ${grant.privileges.join(' ')}`).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Keys</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Key</th>
            <th>Created</th>
            <th>Age</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {data.keys.map((key) => (
            <tr key={`${key.kind}-${key.id}`} className={key.rotationDue && !key.retired ? 'row-bad' : undefined}>
              <td>
                {key.kind} <code>{key.id.slice(0, 16)}</code>
              </td>
              <td>{formatDateTime(key.createdAt)}</td>
              <td>{key.ageDays === null ? 'unknown (from environment)' : `${key.ageDays} days`}</td>
              <td>{key.retired ? 'retired' : key.rotationDue ? 'rotate now' : 'current'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Migrations applied: {data.migrations.applied.length} (latest {data.migrations.latest}).
      </p>
    </section>
  )
}
