import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Link, Redirect, Route, Switch, useLocation, type RouteComponentProps } from 'wouter'
import { Banner, Loading } from '@renderer/components/ui/states'
import { AccessLogPage } from '@renderer/features/access/components/access-log-page'
import { AuditExplorer } from '@renderer/features/audit/components/audit-explorer'
import { MyInvitations } from '@renderer/features/invitations/components/my-invitations'
import { PosturePage } from '@renderer/features/posture/components/posture-page'
import { sessionKeys, useSessionStatus, useSignOut } from '@renderer/features/session/api/session'
import { FirstRun } from '@renderer/features/session/components/first-run'
import { SignIn } from '@renderer/features/session/components/sign-in'
import { tenantKeys } from '@renderer/features/tenants/api/tenant-queries'
import { TenantPage } from '@renderer/features/tenants/components/tenant-page'
import { TenantsPage } from '@renderer/features/tenants/components/tenants-page'
import { UsagePage } from '@renderer/features/usage/components/usage-page'
import { AccessReasonProvider } from '@renderer/lib/access-reason-provider'
import { ViewerProvider, viewerOf } from '@renderer/lib/tenant-view'
import { useConnectionLost } from '@renderer/lib/use-connection-health'

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation()
  const active = location === href || location.startsWith(`${href}/`)
  return (
    <Link href={href} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  )
}

/** A tenant with its audit tab: the tenants and audit features meet here, not in each other. */
function TenantRoute({ params }: RouteComponentProps<{ tenantId: string }>) {
  return <TenantPage tenantId={params.tenantId} auditPanel={<AuditExplorer fixedTenantId={params.tenantId} />} />
}

export function App() {
  const status = useSessionStatus()
  const connectionLost = useConnectionLost()
  const signOut = useSignOut()
  const queryClient = useQueryClient()
  const wasSignedIn = useRef(false)
  const [notice, setNotice] = useState<string | null>(null)
  // Who is looking, from the session: every page's member-or-operator view derives from it.
  const viewer = useMemo(() => viewerOf(status.data), [status.data])
  useEffect(() => {
    if (status.data?.signedIn) wasSignedIn.current = true
    else if (status.data && wasSignedIn.current) {
      wasSignedIn.current = false
      setNotice('Your session ended (it was revoked or expired). Sign in again to continue.')
    }
  }, [status.data])

  if (status.isPending) return <Loading label="Starting the console…" />
  if (status.isError || !status.data) return <Banner tone="danger" title="The console cannot reach its main process." />
  if (!status.data.signedIn) return status.data.firstRun ? <FirstRun /> : <SignIn status={status.data} notice={notice} />

  const operator = viewer.platformOperator
  const connectionBanner = connectionLost ? (
    <Banner tone="danger" title="Connection lost.">
      The backend at {status.data.connection?.url ?? 'this connection'} does not answer; retrying…
    </Banner>
  ) : null
  // Access reasons last one session: the provider is remounted (and forgets them) at each sign-in.
  return (
    <ViewerProvider viewer={viewer}>
      <AccessReasonProvider key={status.data.user?.id ?? 'signed-out'}>
        <div className="shell">
          <aside className="sidebar">
            <div className="brand">Limena</div>
            <nav aria-label="Main">
              <NavLink href="/tenants">Tenants</NavLink>
              <NavLink href="/audit">Audit log</NavLink>
              {operator && <NavLink href="/admin/usage">Usage</NavLink>}
              {operator && <NavLink href="/access-log">Access log</NavLink>}
              {operator && <NavLink href="/posture">Security posture</NavLink>}
            </nav>
            <div className="sidebar-footer">
              <div className="muted">{status.data.connection?.name}</div>
              <div>{status.data.user?.email}</div>
              {operator && <div className="badge">Platform operator</div>}
              <button type="button" onClick={() => signOut.mutate()}>
                Sign out
              </button>
            </div>
          </aside>
          <main className="content">
            {connectionBanner}
            {status.data.credentialStore === 'session-only' && (
              <Banner tone="warning" title="Session only.">
                {status.data.credentialStoreMessage}
              </Banner>
            )}
            <MyInvitations
              onMembershipChanged={async () => {
                await queryClient.invalidateQueries({ queryKey: sessionKeys.status })
                await queryClient.invalidateQueries({ queryKey: tenantKeys.all })
              }}
            />
            <Switch>
              {/* Stable components only: an inline arrow would be a new component at each render, remounting the page. */}
              <Route path="/tenants" component={TenantsPage} />
              <Route path="/tenants/:tenantId" component={TenantRoute} />
              <Route path="/audit">
                <AuditExplorer />
              </Route>
              {operator && <Route path="/admin/usage" component={UsagePage} />}
              {operator && <Route path="/access-log" component={AccessLogPage} />}
              {operator && <Route path="/posture" component={PosturePage} />}
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
