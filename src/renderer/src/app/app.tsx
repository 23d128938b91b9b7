import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Link, Redirect, Route, Switch, useLocation, useRoute, useSearchParams, type RouteComponentProps } from 'wouter'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { AccessLogPage } from '@renderer/features/access/components/access-log-page'
import { MySessionsPage } from '@renderer/features/account/components/my-sessions-page'
import { issuerHost } from '@renderer/features/account/model/session-origin'
import { AuditExplorer } from '@renderer/features/audit/components/audit-explorer'
import { connectionKeys } from '@renderer/features/connections/api/connection-queries'
import { ConnectionsPage } from '@renderer/features/connections/components/connections-page'
import type { ConnectionsChange } from '@renderer/features/connections/components/connections-manager'
import { ManageConnectionsButton } from '@renderer/features/connections/components/manage-connections'
import { MyInvitations } from '@renderer/features/invitations/components/my-invitations'
import { PlatformAuditPage } from '@renderer/features/platform-audit/components/platform-audit-page'
import { PosturePage } from '@renderer/features/posture/components/posture-page'
import { sessionKeys, useSessionStatus, useSignOut } from '@renderer/features/session/api/session'
import { FirstRun } from '@renderer/features/session/components/first-run'
import { SignIn } from '@renderer/features/session/components/sign-in'
import { tenantKeys } from '@renderer/features/tenants/api/tenant-queries'
import { TenantPage } from '@renderer/features/tenants/components/tenant-page'
import { ChangeQuotaButton } from '@renderer/features/tenants/components/quota-editor'
import { TenantsPage } from '@renderer/features/tenants/components/tenants-page'
import { usageKeys } from '@renderer/features/usage/api/usage-queries'
import { UsagePage } from '@renderer/features/usage/components/usage-page'
import { AccessReasonProvider, CurrentReason } from '@renderer/lib/access-reason-provider'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { call, onBridgeEvent } from '@renderer/lib/bridge'
import { ViewerProvider, viewerOf } from '@renderer/lib/tenant-view'
import { TimeZoneSetting, useTimeZone } from '@renderer/lib/time-zone'
import { useConnectionHealth } from '@renderer/lib/use-connection-health'

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation()
  const active = location === href || location.startsWith(`${href}/`)
  return (
    <Link href={href} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  )
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `/tenants/acme`: the slug is looked up (no reason asked) and the page moves to the tenant's id. */
function TenantBySlug({ slug }: { slug: string }) {
  const [, navigate] = useLocation()
  const [search] = useSearchParams()
  const lookup = useQuery({ queryKey: ['tenant-lookup', slug], queryFn: () => call('lookupTenant', { ref: slug }), retry: false })
  useEffect(() => {
    // The query (a tab, filters) goes along: `/tenants/acme?tab=audit` opens the audit tab.
    const query = search.toString()
    if (lookup.data) navigate(`/tenants/${lookup.data.id}${query ? `?${query}` : ''}`, { replace: true })
  }, [lookup.data, navigate, search])
  if (lookup.isError)
    return (
      <section className="page">
        <ErrorState error={lookup.error} />
        <Link href="/tenants">← Back to the tenants</Link>
      </section>
    )
  return <Loading label="Finding the tenant…" />
}

/** A tenant with its audit tab: the tenants and audit features meet here, not in each other. */
function TenantRoute({ params }: RouteComponentProps<{ tenantId: string }>) {
  if (!uuidPattern.test(params.tenantId)) return <TenantBySlug slug={params.tenantId} />
  return <TenantPage tenantId={params.tenantId} auditPanel={<AuditExplorer fixedTenantId={params.tenantId} />} />
}

/** Usage, where an operator can change the caps of a tenant near its ceiling (the tenants feature's editor). */
function UsageRoute() {
  const queryClient = useQueryClient()
  return (
    <UsagePage
      tenantAction={(tenant) => (
        <ChangeQuotaButton {...tenant} onSaved={() => void queryClient.invalidateQueries({ queryKey: usageKeys.all })} />
      )}
    />
  )
}

/** What the sign-in page says after a session: the truth about how it ended. */
interface SignedOutNotice {
  title: string
  text: string
  tone: 'info' | 'warning'
}

/** The in-app places visited (hash and query), so "Cancel" on the reason dialog can go back to the last one that does not need it. */
function useTrail(): (leave: (place: string) => boolean) => string | null {
  const [location] = useLocation()
  const trail = useRef<string[]>([])
  useEffect(() => {
    const here = globalThis.location.hash
    if (trail.current.at(-1) !== here) trail.current.push(here)
    if (trail.current.length > 20) trail.current.shift()
  }, [location])
  return useCallback((leave) => {
    const previous = [...trail.current].reverse().find((entry) => !leave(entry.replace(/^#/, '')))
    return previous ? previous.replace(/^#/, '') : null
  }, [])
}

/** The access reason in force on this page: the tenant's own (when one was given) or the cross-tenant one. */
function ReasonOfThisPage() {
  const [onTenant, params] = useRoute<{ tenantId: string }>('/tenants/:tenantId')
  const [search] = useSearchParams()
  const auditTenant = useRoute('/audit')[0] ? search.get('tenantId') : null
  return <CurrentReason scope={onTenant ? params.tenantId : (auditTenant ?? crossTenantScope)} />
}

export function App() {
  const status = useSessionStatus()
  // Every time on screen follows the one zone setting: the app re-renders when it changes.
  useTimeZone()
  const connection = useConnectionHealth()
  const signOut = useSignOut()
  const queryClient = useQueryClient()
  const [, navigate] = useLocation()
  const previousPlace = useTrail()
  const wasSignedIn = useRef(false)
  const signingOut = useRef(false)
  // The connection signed in through (and its address): a sign-out by switching or moving it is said as such.
  const signedInThrough = useRef<{ id: string; url: string | null } | null>(null)
  const [notice, setNotice] = useState<SignedOutNotice | null>(null)
  // A `limena://open/…` link opened from elsewhere: main checked it names an in-app route.
  useEffect(() => onBridgeEvent('navigate', ({ route }) => navigate(route)), [navigate])
  // Who is looking, from the session: every page's member-or-operator view derives from it.
  const viewer = useMemo(() => viewerOf(status.data), [status.data])
  useEffect(() => {
    if (status.data?.signedIn) {
      wasSignedIn.current = true
      signedInThrough.current = status.data.connection && { id: status.data.connection.id, url: status.data.connection.url }
    } else if (status.data && wasSignedIn.current) {
      wasSignedIn.current = false
      const before = signedInThrough.current
      const now = status.data.connection
      setNotice(
        signingOut.current
          ? { tone: 'info', title: 'Signed out.', text: 'Sign in again to continue.' }
          : before && now && before.id !== now.id
            ? { tone: 'info', title: 'Connection changed.', text: `The console now uses ${now.name}. Sign in to it to continue.` }
            : before && now && before.url !== now.url
              ? { tone: 'info', title: 'Connection moved.', text: `${now.name} is now ${now.url}: sign in there to continue.` }
              : {
                  tone: 'warning',
                  title: 'Session ended.',
                  text: 'Your session ended (it was revoked or expired). Sign in again to continue.',
                },
      )
      signingOut.current = false
    }
  }, [status.data])
  // A connection chosen, moved or removed: what was read through the old one goes, and the session is asked again.
  const connectionsChanged = useCallback(
    (change: ConnectionsChange) => {
      if (change.activeChanged)
        queryClient.removeQueries({
          predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] && query.queryKey[0] !== connectionKeys.all[0],
        })
      void queryClient.invalidateQueries({ queryKey: sessionKeys.all })
    },
    [queryClient],
  )

  if (status.isPending) return <Loading label="Starting the console…" />
  if (status.isError || !status.data) return <Banner tone="danger" title="The console cannot reach its main process." />
  if (!status.data.signedIn)
    return status.data.firstRun ? (
      <FirstRun />
    ) : (
      <SignIn status={status.data} notice={notice} connectionsAction={<ManageConnectionsButton onChanged={connectionsChanged} />} />
    )

  const operator = viewer.platformOperator
  const origin = status.data.origin
  // A session from a tenant's single sign-on reaches that tenant only: no invitations to other tenants are read with it.
  const tenantScopedSession = Boolean(origin?.sso?.tenantId)
  const email = status.data.user?.email ?? null
  const connectionBanner = connection.lost ? (
    <Banner tone="danger" title="Connection lost.">
      The backend at {status.data.connection?.url ?? 'this connection'} does not answer.{' '}
      {connection.retryIn ? `Trying again in ${connection.retryIn} s.` : 'Trying again now…'}{' '}
      <button type="button" className="link-button" onClick={connection.retryNow}>
        Try now
      </button>
    </Banner>
  ) : null
  // Access reasons last one session: the provider is remounted (and forgets them) at each sign-in.
  return (
    <ViewerProvider viewer={viewer}>
      <AccessReasonProvider
        key={status.data.user?.id ?? 'signed-out'}
        onDeclined={({ scope, tenantSlug }) => {
          // Every cross-tenant page needs that same reason: stay, and the page offers to give one.
          if (scope === crossTenantScope) return void setTimeout(() => document.querySelector<HTMLElement>('main.content')?.focus(), 0)
          // Back to the last place that does not read what was declined (a tenant's page by its id or its slug).
          const declinedPages = [scope, tenantSlug].filter(Boolean).map((ref) => `/tenants/${ref}`)
          const previous = previousPlace((place) => declinedPages.some((page) => place === page || place.startsWith(`${page}?`)))
          if (previous) navigate(previous)
          // Keyboard focus lands on the page it went back to, not on the document's start.
          setTimeout(() => document.querySelector<HTMLElement>('main.content')?.focus(), 0)
        }}
      >
        <div className="shell">
          <aside className="sidebar">
            <div className="brand">Limena</div>
            <nav aria-label="Main">
              <NavLink href="/tenants">Tenants</NavLink>
              <NavLink href="/audit">Audit log</NavLink>
              {operator && <NavLink href="/admin/usage">Usage</NavLink>}
              {operator && <NavLink href="/access-log">Access log</NavLink>}
              {operator && <NavLink href="/posture">Security posture</NavLink>}
              {operator && <NavLink href="/platform-audit">Platform log</NavLink>}
            </nav>
            <div className="sidebar-footer">
              <TimeZoneSetting />
              <div className="muted">{status.data.connection?.name}</div>
              <div>{email}</div>
              {origin?.sso && (
                // A host breaks at its dots, not anywhere (the sidebar breaks long emails anywhere).
                <div className="muted" style={{ wordBreak: 'normal', overflowWrap: 'anywhere' }}>
                  Signed in with SSO · {issuerHost(origin.sso.issuer)}
                </div>
              )}
              <NavLink href="/account/sessions">Your sessions</NavLink>
              <NavLink href="/settings/connections">Connections</NavLink>
              {operator && <div className="badge">Platform operator</div>}
              <button
                type="button"
                onClick={() => {
                  signingOut.current = true
                  signOut.mutate()
                }}
              >
                Sign out
              </button>
            </div>
          </aside>
          <main className="content" tabIndex={-1}>
            {connectionBanner}
            {operator && <ReasonOfThisPage />}
            {status.data.credentialStore === 'session-only' && (
              <Banner tone="warning" title="Session only.">
                {status.data.credentialStoreMessage}
              </Banner>
            )}
            {!tenantScopedSession && (
              <MyInvitations
                onMembershipChanged={async () => {
                  await queryClient.invalidateQueries({ queryKey: sessionKeys.status })
                  await queryClient.invalidateQueries({ queryKey: tenantKeys.all })
                }}
              />
            )}
            <Switch>
              {/* Stable components only: an inline arrow would be a new component at each render, remounting the page. */}
              <Route path="/tenants" component={TenantsPage} />
              <Route path="/tenants/:tenantId" component={TenantRoute} />
              <Route path="/audit">
                <AuditExplorer />
              </Route>
              <Route path="/account/sessions">
                <MySessionsPage email={email} />
              </Route>
              <Route path="/settings/connections">
                <ConnectionsPage onChanged={connectionsChanged} />
              </Route>
              {operator && <Route path="/admin/usage" component={UsageRoute} />}
              {operator && <Route path="/access-log" component={AccessLogPage} />}
              {operator && <Route path="/posture" component={PosturePage} />}
              {operator && <Route path="/platform-audit" component={PlatformAuditPage} />}
              <Route>
                <Redirect to="/tenants" />
              </Route>
            </Switch>
          </main>
        </div>
      </AccessReasonProvider>
    </ViewerProvider>
  )
}
