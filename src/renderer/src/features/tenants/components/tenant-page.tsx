import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link, useSearchParams } from 'wouter'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import type { TenantAction } from '@shared/permissions'
import { problemTypes } from '@shared/problem'
import { problemOf } from '@renderer/lib/bridge'
import { memberDetailQuery, operatorDetailQuery } from '../api/tenant-queries'
import { ApiKeysPanel } from './api-keys-panel'
import { IntegrationsPanel } from './integrations-panel'
import { MembersPanel } from './members-panel'
import { QuotaBanner, QuotasPanel } from './quotas-panel'
import { SsoPanel } from './sso-panel'
import { isTenantSuspended, SuspendedBadge, SuspendedBanner, SuspendedTenantState, TenantLifecycleActions } from './tenant-lifecycle'

const tabs = ['overview', 'members', 'api-keys', 'integrations', 'quotas', 'audit', 'sso'] as const
const tabLabels: Record<(typeof tabs)[number], string> = {
  overview: 'Overview',
  members: 'Members',
  'api-keys': 'API keys',
  integrations: 'Integrations',
  quotas: 'Quotas',
  audit: 'Audit log',
  sso: 'Single sign-on',
}
/** Tabs shown only to those the permission matrix lets act there: single sign-on is its owners'. */
const tabPermissions: Partial<Record<(typeof tabs)[number], TenantAction>> = { sso: 'sso:manage' }

/**
 * One tenant, read the way its TenantView says: a member through the tenant routes (and acting
 * with their role), an operator who is not a member through the operator detail, read only.
 * `auditPanel` is the audit tab's content, composed by the app (the audit feature owns it).
 */
export function TenantPage({ tenantId, auditPanel }: { tenantId: string; auditPanel: ReactNode }) {
  const view = useTenantView(tenantId)
  const operatorCall = useOperatorCall()
  const [params, setParams] = useSearchParams()
  const visibleTabs = tabs.filter((name) => {
    const permission = tabPermissions[name]
    return !permission || view.can(permission)
  })
  const tab = (visibleTabs as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as (typeof tabs)[number])
    : 'overview'
  const detail = useQuery(view.via === 'operator' ? operatorDetailQuery(tenantId, operatorCall) : memberDetailQuery(tenantId))

  if (detail.isPending) return <Loading label="Loading the tenant…" />
  if (detail.isError && isTenantSuspended(detail.error))
    return (
      <SuspendedTenantState
        tenantId={tenantId}
        onRetry={() => void detail.refetch()}
        actions={view.platformOperator ? (suspended) => <TenantLifecycleActions tenant={suspended} /> : undefined}
      />
    )
  if (detail.isError && problemOf(detail.error)?.type === problemTypes.ssoRequired)
    return (
      <section className="page">
        <Link href="/tenants" className="back">
          ← Tenants
        </Link>
        <div className="state state-empty" role="alert">
          <strong>This tenant admits its members through single sign-on only.</strong>
          <p>
            This session was opened another way (a password, or another provider). Sign out, choose “Use single sign-on (SSO)” and give your
            work email or the tenant’s short name.
          </p>
        </div>
      </section>
    )
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
  const { tenant, members, apiKeys, integrations, quotas } = detail.data
  return (
    <section className="page">
      <header className="page-header">
        <Link href="/tenants" className="back">
          ← Tenants
        </Link>
        <h1>{tenant.name}</h1>
        <code>{tenant.slug}</code>
        <span className="badge">{view.role ? `You are ${view.role}` : 'Operator view (read only)'}</span>
        {tenant.suspendedAt && <SuspendedBadge since={tenant.suspendedAt} />}
        {view.platformOperator && <TenantLifecycleActions tenant={tenant} memberCount={members.length} />}
      </header>
      <SuspendedBanner tenant={tenant} />
      <QuotaBanner quotas={quotas} />
      <div role="tablist" aria-label="Tenant sections" className="tabs">
        {visibleTabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setParams({ tab: name })}
          >
            {tabLabels[name]}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tabLabels[tab]}>
        {tab === 'overview' && (
          <dl className="facts">
            <dt>Created</dt>
            <dd>{formatDateTime(tenant.createdAt)}</dd>
            <dt>Members</dt>
            <dd>{members.length}</dd>
            <dt>API keys</dt>
            <dd>{apiKeys?.length ?? 'not visible to your role'}</dd>
            <dt>Integrations</dt>
            <dd>{integrations?.length ?? 'not visible to your role'}</dd>
            <dt>AI quota</dt>
            <dd>{quotas.explanation}</dd>
          </dl>
        )}
        {tab === 'members' && (
          <MembersPanel tenantId={tenantId} members={members} actorRole={view.role} canWrite={view.can('members:write')} />
        )}
        {tab === 'api-keys' &&
          (apiKeys ? (
            <ApiKeysPanel tenantId={tenantId} apiKeys={apiKeys} canWrite={view.can('keys:write')} />
          ) : (
            <Banner tone="info" title="API keys are visible to admins and owners." />
          ))}
        {tab === 'integrations' &&
          (integrations ? (
            <IntegrationsPanel tenantId={tenantId} integrations={integrations} canWrite={view.can('integrations:write')} />
          ) : (
            <Banner tone="info" title="Integrations are visible to admins and owners." />
          ))}
        {tab === 'quotas' && <QuotasPanel tenantId={tenantId} quotas={quotas} canReset={view.platformOperator} />}
        {tab === 'audit' && auditPanel}
        {tab === 'sso' && <SsoPanel tenant={tenant} />}
      </div>
    </section>
  )
}
