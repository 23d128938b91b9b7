import { useQuery } from '@tanstack/react-query'
import { useRef, type RefObject } from 'react'
import { Link } from 'wouter'
import type { Posture } from '@shared/contract'
import { Freshness } from '@renderer/components/ui/freshness'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { postureQuery } from '../api/posture-queries'

const Check = ({ holds }: { holds: boolean }) => <span className={holds ? 'ok' : 'bad'}>{holds ? '✓' : '✗'}</span>

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

/** The guarantee the tenant API keys' section details. */
const isApiKeyAgeGuarantee = (name: string) => name.startsWith('Tenant API keys are younger than')

/** Tenant API keys past the rotation age, across tenants: the posture's list, oldest first. */
function OldApiKeys({ apiKeys, headingRef }: { apiKeys: Posture['apiKeys']; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const heading = `Tenant API keys older than ${apiKeys.maxAgeDays} days`
  return (
    <>
      <h2 id="old-api-keys" ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      {apiKeys.older === 0 ? (
        <p>
          <Check holds /> None of the {plural(apiKeys.live, 'live key')} in any tenant.
        </p>
      ) : (
        <>
          <p className="muted">
            {apiKeys.older} of {plural(apiKeys.live, 'live key')}, in {plural(apiKeys.tenants, 'tenant')}
            {apiKeys.oldest.length < apiKeys.older ? `; the oldest ${apiKeys.oldest.length} are listed` : ''}. Each tenant rolls its keys
            from its API keys tab.
          </p>
          <table className="data" aria-labelledby="old-api-keys">
            <thead>
              <tr>
                <th>Tenant</th>
                <th>Key name</th>
                <th>Key</th>
                <th>Age</th>
                <th>Last used</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {apiKeys.oldest.map((key) => (
                <tr key={key.keyId}>
                  <td>
                    <Link href={`/tenants/${key.tenantId}?tab=api-keys`}>{key.tenantName}</Link>
                  </td>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{plural(key.ageDays, 'day')}</td>
                  <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never used'}</td>
                  <td>{key.expiresAt ? formatDateTime(key.expiresAt) : 'Never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}

export function PosturePage() {
  const operatorCall = useOperatorCall()
  const posture = useQuery(postureQuery(operatorCall))
  const oldKeysHeading = useRef<HTMLHeadingElement>(null)
  if (posture.isPending) return <Loading label="Reading the live catalog…" />
  if (posture.isError) return <ErrorState error={posture.error} onRetry={() => void posture.refetch()} />
  const data = posture.data
  const dueKeys = data.keys.filter((key) => key.rotationDue && !key.retired)
  const showOldKeys = () => {
    oldKeysHeading.current?.scrollIntoView({ block: 'start' })
    oldKeysHeading.current?.focus({ preventScroll: true })
  }
  return (
    <section className="page">
      <header className="page-header">
        <h1>Security posture</h1>
        <span className="muted">Read from the live database, not from configuration.</span>
        <Freshness updatedAt={posture.dataUpdatedAt} fetching={posture.isFetching} onRefresh={() => void posture.refetch()} />
      </header>
      {dueKeys.length > 0 && (
        <Banner tone="warning" title="Install keys older than 90 days.">
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
            {isApiKeyAgeGuarantee(guarantee.name) && data.apiKeys.older > 0 && (
              <>
                {' '}
                <button type="button" className="link-button" onClick={showOldKeys}>
                  Show the {plural(data.apiKeys.older, 'key')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <OldApiKeys apiKeys={data.apiKeys} headingRef={oldKeysHeading} />
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
      <h2 id="install-keys">Install keys</h2>
      <table className="data" aria-labelledby="install-keys">
        <thead>
          <tr>
            <th>Key</th>
            <th>Created</th>
            <th>Age</th>
            <th>Status</th>
            <th>Secrets sealed</th>
          </tr>
        </thead>
        <tbody>
          {data.keys.map((key) => (
            <tr key={`${key.kind}-${key.id}`} className={key.rotationDue && !key.retired ? 'row-bad' : undefined}>
              <td>
                {key.kind} <code>{key.id.slice(0, 16)}</code>
              </td>
              <td>{formatDateTime(key.createdAt)}</td>
              <td>{key.ageDays === null ? 'unknown' : `${key.ageDays} days`}</td>
              <td>{key.retired ? 'retired' : key.rotationDue ? 'rotate now' : 'current'}</td>
              <td>{key.sealedSecrets === null ? '—' : plural(key.sealedSecrets, 'secret')}</td>
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
