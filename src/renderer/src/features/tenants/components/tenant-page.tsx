import { useQuery } from '@tanstack/react-query'
import { Link, useSearchParams } from 'wouter'
import type { Session } from '@shared/contract'
import { roleAllows, type TenantRole } from '@shared/permissions'
import { Banner, ErrorState, Loading } from '@renderer/components/ui/states'
import { useAccessReasons } from '@renderer/features/access/access-reason'
import { AuditExplorer } from '@renderer/features/audit/components/audit-explorer'
import { formatDateTime } from '@renderer/lib/format'
import { memberDetailQuery, operatorDetailQuery } from '../api/tenant-queries'
import { ApiKeysPanel } from './api-keys-panel'
import { IntegrationsPanel } from './integrations-panel'
import { MembersPanel } from './members-panel'
import { QuotaBanner, QuotasPanel } from './quotas-panel'

const tabs = ['overview', 'members', 'api-keys', 'integrations', 'quotas', 'audit'] as const
const tabLabels: Record<(typeof tabs)[number], string> = { overview: 'Overview', members: 'Members', 'api-keys': 'API keys', integrations: 'Integrations', quotas: 'Quotas', audit: 'Audit log' }

export function TenantPage({ tenantId, operator, memberships }: { tenantId: string; operator: boolean; memberships: Session['memberships'] }) {
  const reasons = useAccessReasons()
  const [params, setParams] = useSearchParams()
  const tab = (tabs as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as (typeof tabs)[number]) : 'overview'
  const role = (memberships.find((membership) => membership.tenantId === tenantId)?.role ?? null) as TenantRole | null
  const asOperator = role === null && operator
  const detail = useQuery(asOperator ? operatorDetailQuery(tenantId, () => reasons.ensureReason(tenantId, 'this tenant: members, keys, integrations and quotas')) : memberDetailQuery(tenantId))
  const can = (action: Parameters<typeof roleAllows>[1]) => role !== null && roleAllows(role, action)

  if (detail.isPending) return <Loading label="Loading the tenant…" />
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
        <span className="badge">{role ? `You are ${role}` : 'Operator view (read only)'}</span>
      </header>
      <QuotaBanner quotas={quotas} />
      <div role="tablist" aria-label="Tenant sections" className="tabs">
        {tabs.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'tab active' : 'tab'} onClick={() => setParams({ tab: name })}>
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
        {tab === 'members' && <MembersPanel tenantId={tenantId} members={members} actorRole={role} canWrite={can('members:write')} />}
        {tab === 'api-keys' && (apiKeys ? <ApiKeysPanel tenantId={tenantId} apiKeys={apiKeys} canWrite={can('keys:write')} /> : <Banner tone="info" title="API keys are visible to admins and owners." />)}
        {tab === 'integrations' &&
          (integrations ? <IntegrationsPanel tenantId={tenantId} integrations={integrations} canWrite={can('integrations:write')} /> : <Banner tone="info" title="Integrations are visible to admins and owners." />)}
        {tab === 'quotas' && <QuotasPanel tenantId={tenantId} quotas={quotas} operator={operator} />}
        {tab === 'audit' && <AuditExplorer operator={operator} fixedTenantId={tenantId} />}
      </div>
    </section>
  )
}
