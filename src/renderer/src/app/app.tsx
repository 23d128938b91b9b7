import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { Banner, Loading } from '@renderer/components/ui/states'
import { AccessLogPage } from '@renderer/features/access/access-log-page'
import { AccessReasonProvider } from '@renderer/features/access/access-reason'
import { AuditExplorer } from '@renderer/features/audit/components/audit-explorer'
import { MyInvitations } from '@renderer/features/invitations/components/my-invitations'
import { PosturePage } from '@renderer/features/posture/components/posture-page'
import { sessionKeys, useSessionStatus, useSignOut } from '@renderer/features/session/api/session'
import { FirstRun } from '@renderer/features/session/components/first-run'
import { SignIn } from '@renderer/features/session/components/sign-in'
import { useConnectionLost } from '@renderer/lib/use-connection-health'
import { TenantPage } from '@renderer/features/tenants/components/tenant-page'
import { TenantsPage } from '@renderer/features/tenants/components/tenants-page'
import { UsagePage } from '@renderer/features/usage/components/usage-page'

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation()
  const active = location === href || location.startsWith(`${href}/`)
  return (
    <Link href={href} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  )
}

export function App() {
  const status = useSessionStatus()
  const connectionLost = useConnectionLost()
  const signOut = useSignOut()
  const queryClient = useQueryClient()
  const wasSignedIn = useRef(false)
  const [notice, setNotice] = useState<string | null>(null)
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

  const operator = status.data.user?.isPlatformAdmin === true
  const connectionBanner = connectionLost ? (
    <Banner tone="danger" title="Connection lost.">
      The backend at {status.data.connection?.url ?? 'this connection'} does not answer; retrying…
    </Banner>
  ) : null
  // Access reasons last one session: the provider is remounted (and forgets them) at each sign-in.
  return (
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
            await queryClient.invalidateQueries({ queryKey: ['tenants'] })
          }}
        />
        <Switch>
          <Route path="/tenants" component={() => <TenantsPage operator={operator} />} />
          <Route path="/tenants/:tenantId">{(params) => <TenantPage tenantId={params.tenantId} operator={operator} memberships={status.data!.memberships} />}</Route>
          <Route path="/audit" component={() => <AuditExplorer operator={operator} />} />
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
  )
}
