/**
 * A tenant's lifecycle as the console shows it: operators suspend, restore and delete it (each
 * asked first, with the reason that lands in its audit log in view, then a toast); a suspended
 * tenant says so wherever it appears, and a member whose tenant is suspended sees that state in
 * words, not an error.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { Link, useLocation } from 'wouter'
import { problemTypes } from '@shared/problem'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { Banner } from '@renderer/components/ui/states'
import { showToast } from '@renderer/components/ui/toast'
import { useAccessReasons } from '@renderer/lib/access-reasons'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useDeleteTenant, useSuspension } from '../api/tenant-lifecycle-queries'
import { memberTenantsQuery, tenantKeys } from '../api/tenant-queries'
import './tenant-lifecycle.css'

export interface LifecycleTenant {
  id: string
  name: string
  slug: string
  suspendedAt: string | null
}

/** A member's read of a suspended tenant is refused with this problem. */
export const isTenantSuspended = (error: unknown): boolean => problemOf(error)?.type === problemTypes.tenantSuspended

export function SuspendedBadge({ since }: { since: string }) {
  return (
    <span className="badge badge-suspended" title={`Suspended since ${formatDateTime(since)}`}>
      Suspended
    </span>
  )
}

/** Under the tenant page's header while the tenant is suspended. */
export function SuspendedBanner({ tenant }: { tenant: LifecycleTenant }) {
  if (!tenant.suspendedAt) return null
  return (
    <Banner tone="warning" title={`Suspended since ${formatDateTime(tenant.suspendedAt)}.`}>
      The platform&apos;s operators suspended {tenant.name}: its members and API keys are refused until it is restored. Nothing was deleted.
    </Banner>
  )
}

/**
 * The reason an operator write will carry (the one in force for `scope`: a tenant, or every
 * tenant), with a way to change it first. `where` names the log it lands in.
 */
export function ReasonOfTheChange({ scope, where }: { scope: string; where: string }) {
  const { reasonFor, changeReason } = useAccessReasons()
  const reason = reasonFor(scope)
  if (!reason) return <p className="muted">You are asked why first: your reason is written into {where}.</p>
  return (
    <p className="muted reason-of-change">
      <span>
        Recorded in {where} with your reason: <strong>{reason}</strong>
      </span>
      <button type="button" className="link-button" onClick={() => changeReason(scope)}>
        Change reason
      </button>
    </p>
  )
}

type Asking = 'suspend' | 'restore' | 'delete' | null

/** Suspend or restore, and delete: the operator's buttons in the tenant page's header. */
export function TenantLifecycleActions({ tenant, memberCount }: { tenant: LifecycleTenant; memberCount?: number }) {
  const [asking, setAsking] = useState<Asking>(null)
  const [, navigate] = useLocation()
  const suspension = useSuspension(tenant.id)
  const remove = useDeleteTenant(tenant.id, () => {
    navigate('/tenants')
    showToast(`Deleted ${tenant.name} (${tenant.slug}).`)
  })
  const close = () => {
    setAsking(null)
    suspension.reset()
    remove.reset()
  }
  // Awaited rather than given callbacks: a restore may swap the page this sits on (a member's
  // suspended state becomes the tenant's page), and the toast must still come.
  const change = (what: 'suspend' | 'restore', done: string) =>
    void suspension.mutateAsync(what).then(
      () => {
        close()
        showToast(done)
      },
      () => undefined, // said in the dialog, which stays open
    )
  const members = !memberCount ? 'Its members' : `Its ${memberCount} member${memberCount === 1 ? '' : 's'}`
  return (
    <div className="tenant-actions" role="group" aria-label="Operator actions">
      {tenant.suspendedAt ? (
        <button type="button" onClick={() => setAsking('restore')}>
          Restore tenant…
        </button>
      ) : (
        <button type="button" onClick={() => setAsking('suspend')}>
          Suspend tenant…
        </button>
      )}
      <button type="button" className="danger" onClick={() => setAsking('delete')}>
        Delete tenant…
      </button>
      {asking === 'suspend' && (
        <ConfirmDialog
          title={`Suspend ${tenant.name}?`}
          confirmLabel="Suspend tenant"
          pending={suspension.isPending}
          error={suspension.error}
          onCancel={close}
          onConfirm={() => change('suspend', `Suspended ${tenant.name}: its members and API keys are refused until it is restored.`)}
        >
          <p>
            {members} and its API keys are refused from now on, each told that the tenant is suspended. Nothing is deleted: restoring it
            lets them back in.
          </p>
          <ReasonOfTheChange scope={tenant.id} where={`${tenant.name}'s audit log`} />
        </ConfirmDialog>
      )}
      {asking === 'restore' && (
        <ConfirmDialog
          title={`Restore ${tenant.name}?`}
          confirmLabel="Restore tenant"
          tone="primary"
          pending={suspension.isPending}
          error={suspension.error}
          onCancel={close}
          onConfirm={() => change('restore', `Restored ${tenant.name}: its members and API keys reach it again.`)}
        >
          <p>
            {members} and its API keys reach it again at once
            {tenant.suspendedAt ? ` (suspended since ${formatDateTime(tenant.suspendedAt)})` : ''}.
          </p>
          <ReasonOfTheChange scope={tenant.id} where={`${tenant.name}'s audit log`} />
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title={`Delete ${tenant.name}?`}
          confirmLabel="Delete tenant"
          typeToConfirm={tenant.slug}
          pending={remove.isPending}
          error={remove.error}
          onCancel={close}
          onConfirm={(typed) => remove.mutate(typed)}
        >
          <p>
            {members}, its API keys and its integrations stop working at once, and it leaves every list. Its audit log is kept. This cannot
            be undone from the console.
          </p>
          <ReasonOfTheChange scope={tenant.id} where={`${tenant.name}'s audit log`} />
        </ConfirmDialog>
      )}
    </div>
  )
}

/**
 * What a member sees of a suspended tenant: its name (from their own list of tenants), since
 * when, what it means for them, and a way to look again. Operators who are also members get their
 * actions (a restore) here too.
 */
export function SuspendedTenantState({
  tenantId,
  onRetry,
  actions,
}: {
  tenantId: string
  onRetry: () => void
  actions?: (tenant: LifecycleTenant) => ReactNode
}) {
  const queryClient = useQueryClient()
  const mine = useQuery(memberTenantsQuery())
  const tenant = mine.data?.find((candidate) => candidate.id === tenantId)
  const name = tenant?.name ?? 'This tenant'
  return (
    <section className="page">
      <header className="page-header">
        <Link href="/tenants" className="back">
          ← Tenants
        </Link>
        <h1>{tenant?.name ?? 'Suspended tenant'}</h1>
        {tenant && <code>{tenant.slug}</code>}
        {tenant?.suspendedAt && <SuspendedBadge since={tenant.suspendedAt} />}
        {tenant && actions?.(tenant)}
      </header>
      <div className="state state-suspended" role="status">
        <strong>{name} is suspended.</strong>
        <p>
          The platform&apos;s operators suspended it{tenant?.suspendedAt ? ` on ${formatDateTime(tenant.suspendedAt)}` : ''}. Until they
          restore it, its members (you too) and its API keys cannot reach it. Nothing was deleted; ask your platform operator why.
        </p>
        <button
          type="button"
          onClick={() => {
            void queryClient.invalidateQueries({ queryKey: tenantKeys.mine() })
            onRetry()
          }}
        >
          Check again
        </button>
      </div>
    </section>
  )
}
