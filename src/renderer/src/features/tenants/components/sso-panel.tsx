/**
 * A tenant's single sign-on, for its owners: the redirect URI to register at the identity
 * provider, then the issuer, client id and secret (write-only: stored, never shown), the email
 * domains allowed, the role new people get, and "require SSO" with what it does said before it is
 * saved. Saving shows the backend's answer plainly (a discovery failure names the issuer and what
 * went wrong); removing asks for the tenant's slug. Each outcome ends in a toast.
 */
import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import type { TenantSso } from '@shared/contract'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { CopyValue } from '@renderer/components/ui/copy-value'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { showToast } from '@renderer/components/ui/toast'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useViewer } from '@renderer/lib/tenant-view'
import { tenantSsoQuery, useRemoveTenantSso, useSaveTenantSso } from '../api/sso-queries'
import { hostOf, parseDomains } from '../model/sso-settings'
import './sso-panel.css'

interface TenantRef {
  id: string
  name: string
  slug: string
}

const newArrivalRoles = [
  { value: 'viewer', label: 'Viewer: reads only' },
  { value: 'member', label: 'Member' },
  { value: 'admin', label: 'Admin' },
] as const

export function SsoPanel({ tenant }: { tenant: TenantRef }) {
  const settings = useQuery(tenantSsoQuery(tenant.id))
  if (settings.isPending) return <Loading label="Loading the single sign-on settings…" />
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
  // A new form for each saved version: what it shows is what is stored.
  return (
    <SsoSettings
      key={settings.data.sso?.updatedAt ?? 'none'}
      tenant={tenant}
      sso={settings.data.sso}
      redirectUri={settings.data.redirectUri}
    />
  )
}

function SsoSettings({ tenant, sso, redirectUri }: { tenant: TenantRef; sso: TenantSso | null; redirectUri: string }) {
  const id = useId()
  const viewer = useViewer()
  const [issuer, setIssuer] = useState(sso?.issuer ?? '')
  const [clientId, setClientId] = useState(sso?.clientId ?? '')
  const [clientSecret, setClientSecret] = useState('')
  const [domains, setDomains] = useState((sso?.allowedDomains ?? []).join(', '))
  const [defaultRole, setDefaultRole] = useState<'admin' | 'member' | 'viewer'>(
    sso?.defaultRole && sso.defaultRole !== 'owner' ? sso.defaultRole : 'viewer',
  )
  const [requireSso, setRequireSso] = useState(sso?.requireSso ?? false)
  const [removing, setRemoving] = useState(false)
  const save = useSaveTenantSso(tenant.id, (saved) =>
    showToast(
      `Single sign-on saved for ${tenant.name}: people sign in through ${hostOf(saved.issuer)}${saved.requireSso ? ', and only that way' : ''}.`,
    ),
  )
  const remove = useRemoveTenantSso(tenant.id, () => {
    setRemoving(false)
    showToast(`Single sign-on removed from ${tenant.name}: the sessions it opened have ended.`)
  })
  const parsedDomains = parseDomains(domains)
  const host = issuer ? hostOf(issuer) : 'its identity provider'
  // This console's own session reaches the tenant after "require SSO" only if it came from this tenant's provider.
  const ownSessionFromThisProvider = viewer.sessionOrigin?.sso?.tenantId === tenant.id
  // The backend turns "require SSO" on only from such a session (a provider that fails cannot lock everyone out).
  const mayRequire = Boolean(sso) && ownSessionFromThisProvider

  return (
    <div className="panel sso-panel">
      <p className="sso-state">
        {sso ? (
          <>
            <span className="badge badge-ok">On</span>
            <span>
              People of {tenant.name} sign in through <strong>{hostOf(sso.issuer)}</strong>
              {sso.requireSso ? ', and only that way.' : ', or with a password.'}
            </span>
          </>
        ) : (
          <>
            <span className="badge">Off</span>
            <span>Nobody signs in to {tenant.name} through an identity provider yet.</span>
          </>
        )}
      </p>
      <h2>1. Register the console at your identity provider</h2>
      <CopyValue
        label="Redirect URI"
        value={redirectUri}
        hint="Add this address as a redirect (callback) URI of the client you create at your identity provider, for the authorization code flow."
      />
      <h2>2. Connect it</h2>
      <form
        className="sso-form-grid"
        aria-label="Single sign-on settings"
        onSubmit={(event) => {
          event.preventDefault()
          save.mutate({
            issuer: issuer.trim(),
            clientId: clientId.trim(),
            ...(clientSecret ? { clientSecret } : {}),
            allowedDomains: parsedDomains,
            defaultRole,
            requireSso,
          })
        }}
      >
        <div className="form-field">
          <label htmlFor={`${id}-issuer`}>Issuer URL</label>
          <input
            id={`${id}-issuer`}
            type="url"
            required
            spellCheck={false}
            placeholder="https://login.example.com"
            value={issuer}
            onChange={(event) => setIssuer(event.target.value)}
            aria-describedby={`${id}-issuer-hint`}
          />
          <p id={`${id}-issuer-hint`} className="muted">
            The backend reads the provider’s <code>/.well-known/openid-configuration</code> there when you save.
          </p>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-client`}>Client ID</label>
          <input id={`${id}-client`} required spellCheck={false} value={clientId} onChange={(event) => setClientId(event.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-secret`}>Client secret</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="off"
            required={!sso}
            value={clientSecret}
            placeholder={sso ? 'Stored: leave empty to keep it' : ''}
            onChange={(event) => setClientSecret(event.target.value)}
            aria-describedby={`${id}-secret-hint`}
          />
          <p id={`${id}-secret-hint`} className="muted">
            {sso
              ? `Stored, encrypted with the tenant’s key (version ${sso.secretKeyVersion}), and never shown again. Leave empty to keep it; type a new one to replace it.`
              : 'Encrypted with the tenant’s key as soon as it reaches the backend, and never shown again.'}
          </p>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-domains`}>Allowed email domains</label>
          <input
            id={`${id}-domains`}
            required
            spellCheck={false}
            placeholder="example.com, example.org"
            value={domains}
            onChange={(event) => setDomains(event.target.value)}
            aria-describedby={`${id}-domains-hint`}
          />
          <p id={`${id}-domains-hint`} className="muted">
            Separated by commas. Only people whose verified email ends in one of these come in.
            {parsedDomains.length > 0 &&
              ` ${parsedDomains.length === 1 ? 'One domain' : `${parsedDomains.length} domains`}: ${parsedDomains.join(', ')}.`}
          </p>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-role`}>Role for new arrivals</label>
          <select
            id={`${id}-role`}
            value={defaultRole}
            onChange={(event) => setDefaultRole(event.target.value as typeof defaultRole)}
            aria-describedby={`${id}-role-hint`}
          >
            {newArrivalRoles.map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </select>
          <p id={`${id}-role-hint`} className="muted">
            Someone without an account gets one at their first sign-in, with this role. An existing account joins only by accepting an
            invitation.
          </p>
        </div>
        <div className="form-field sso-require">
          <label className="checkbox">
            <input
              type="checkbox"
              role="switch"
              checked={requireSso}
              disabled={!requireSso && !mayRequire}
              onChange={(event) => setRequireSso(event.target.checked)}
              aria-describedby={`${id}-require-hint`}
            />
            Require single sign-on for {tenant.name}
          </label>
          <div id={`${id}-require-hint`}>
            {requireSso ? (
              <Banner tone="warning" title="Password sessions lose access.">
                Members who signed in with a password (owners too) no longer reach {tenant.name}: they sign in through {host} to come back.
                {!ownSessionFromThisProvider && ' That includes this console’s session, which was not opened through it.'}
              </Banner>
            ) : mayRequire ? (
              <p className="muted">Off: members may sign in with their password or through {host}.</p>
            ) : (
              <p className="muted">
                Off. To require it, {sso ? '' : 'save it first, then '}sign out and sign in through {tenant.name}’s single sign-on: a
                provider that does not work then cannot lock everyone out.
              </p>
            )}
          </div>
        </div>
        <ProblemMessage problem={problemOf(save.error)} />
        <div className="sso-actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Checking the provider…' : sso ? 'Save changes' : 'Turn on single sign-on'}
          </button>
          {sso && (
            <button type="button" className="danger" onClick={() => setRemoving(true)}>
              Remove single sign-on…
            </button>
          )}
        </div>
        {sso && <p className="muted">Last changed {formatDateTime(sso.updatedAt)}.</p>}
      </form>
      {removing && (
        <ConfirmDialog
          title={`Remove single sign-on from ${tenant.name}?`}
          confirmLabel="Remove single sign-on"
          typeToConfirm={tenant.slug}
          pending={remove.isPending}
          error={remove.error}
          onCancel={() => {
            remove.reset()
            setRemoving(false)
          }}
          onConfirm={() => remove.mutate()}
        >
          <p>
            Nobody signs in to {tenant.name} through {sso ? hostOf(sso.issuer) : 'its provider'} any more, and every session it opened ends
            now. People who only ever signed in that way have no password to fall back on.
            {ownSessionFromThisProvider && ' This console’s session came through it too: you will be signed out.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  )
}
