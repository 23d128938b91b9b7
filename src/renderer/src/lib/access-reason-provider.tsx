/**
 * Asks the operator why, in a dialog, when an operator call needs a reason for a scope that has
 * none yet; keeps the answers for this session only (the app remounts it at each sign-in). A
 * tenant scope is looked up before anything is asked, so the dialog names the tenant and an
 * unknown id or slug is refused without a question. Cancel reads nothing and goes back.
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react'
import { accessReasonMaxLength, accessReasonSchema } from '@shared/access-reason'
import { problemTypes } from '@shared/problem'
import { Dialog } from '@renderer/components/ui/dialog'
import { AccessReasonContext, AccessReasonDeclined, crossTenantScope, useAccessReasons, type AccessReasons } from './access-reasons'
import { BridgeError, call, problemOf } from './bridge'

interface TenantName {
  name: string
  slug: string
}

interface ReasonRequest {
  scope: string
  what: string
  tenant: TenantName | null
  /** Replacing a reason already given, rather than asking before a read. */
  changing: boolean
}

/** The tenant a scope names, or a 404 problem that says so in words. */
async function lookUpTenant(scope: string): Promise<TenantName> {
  try {
    const tenant = await call('lookupTenant', { ref: scope })
    return { name: tenant.name, slug: tenant.slug }
  } catch (error) {
    if (problemOf(error)?.status !== 404) throw error
    throw new BridgeError({
      type: problemTypes.notFound,
      title: 'No such tenant',
      status: 404,
      detail: `No tenant has the id or slug "${scope}" (or it was deleted). Nothing was read and no reason was asked.`,
    })
  }
}

/** What the operator declined: a scope, and the slug of its tenant when it is one (the places to leave). */
export interface DeclinedScope {
  scope: string
  tenantSlug: string | null
}

export function AccessReasonProvider({ children, onDeclined }: { children: ReactNode; onDeclined?: (declined: DeclinedScope) => void }) {
  const [reasons, setReasons] = useState<Record<string, string>>({})
  const [tenants, setTenants] = useState<Record<string, TenantName>>({})
  const [request, setRequest] = useState<ReasonRequest | null>(null)
  const [draft, setDraft] = useState('')
  const pending = useRef<Array<{ scope: string; what: string; resolve: (reason: string) => void; reject: (error: Error) => void }>>([])
  const lookups = useRef(new Map<string, Promise<TenantName>>())

  const reasonFor = useCallback((scope: string) => reasons[scope] ?? null, [reasons])
  const scopeName = useCallback((scope: string) => tenants[scope]?.name ?? null, [tenants])

  const tenantOf = useCallback((scope: string): Promise<TenantName | null> => {
    if (scope === crossTenantScope) return Promise.resolve(null)
    let lookup = lookups.current.get(scope)
    if (!lookup) {
      lookup = lookUpTenant(scope)
      lookups.current.set(scope, lookup)
      // A failed lookup is not remembered: the next try asks the backend again.
      lookup.then((tenant) => setTenants((current) => ({ ...current, [scope]: tenant }))).catch(() => lookups.current.delete(scope))
    }
    return lookup
  }, [])

  const ensureReason = useCallback(
    async (scope: string, what: string) => {
      const known = reasons[scope]
      if (known) return known
      const tenant = await tenantOf(scope)
      return new Promise<string>((resolve, reject) => {
        pending.current.push({ scope, what, resolve, reject })
        setRequest((current) => current ?? { scope, what, tenant, changing: false })
        setDraft((current) => current || reasons[crossTenantScope] || '')
      })
    },
    [reasons, tenantOf],
  )

  const changeReason = useCallback(
    (scope: string) => {
      setRequest({ scope, what: '', tenant: tenants[scope] ?? null, changing: true })
      setDraft(reasons[scope] ?? '')
    },
    [reasons, tenants],
  )

  const settle = (reason: string | null) => {
    const current = request
    setRequest(null)
    setDraft('')
    if (!current) return
    if (current.changing) {
      if (reason) setReasons((known) => ({ ...known, [current.scope]: reason }))
      return
    }
    const waiters = pending.current.filter((entry) => entry.scope === current.scope)
    pending.current = pending.current.filter((entry) => entry.scope !== current.scope)
    if (reason) {
      setReasons((known) => ({ ...known, [current.scope]: reason }))
      for (const waiter of waiters) waiter.resolve(reason)
    } else {
      for (const waiter of waiters) waiter.reject(new AccessReasonDeclined(current.scope))
      onDeclined?.({ scope: current.scope, tenantSlug: current.tenant?.slug ?? null })
    }
    // Another scope may have asked meanwhile: ask for it next.
    const next = pending.current[0]
    if (next) {
      void tenantOf(next.scope)
        .catch(() => null)
        .then((tenant) => setRequest({ scope: next.scope, what: next.what, tenant, changing: false }))
    }
  }

  const value = useMemo(
    (): AccessReasons => ({ reasonFor, ensureReason, changeReason, scopeName }),
    [reasonFor, ensureReason, changeReason, scopeName],
  )
  const valid = accessReasonSchema.safeParse(draft).success
  const tenant = request?.tenant ?? null
  return (
    <AccessReasonContext.Provider value={value}>
      {children}
      <Dialog
        open={request !== null}
        title={request?.changing ? 'Change your reason' : 'Why are you looking?'}
        onClose={() => settle(null)}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (valid) settle(draft.trim())
          }}
        >
          {tenant ? (
            <p>
              Tenant: <strong>{tenant.name}</strong> <code>{tenant.slug}</code>
            </p>
          ) : (
            <p>
              Scope: <strong>every tenant</strong> (directory, usage, posture, access log and audit search)
            </p>
          )}
          {!request?.changing && <p>You are about to read {request?.what}.</p>}
          <p className="muted">
            {tenant
              ? `Your reason is written into ${tenant.name}'s audit log, and ${tenant.name} can see it.`
              : "Your reason is recorded with each read: in the platform audit log for the directory, usage, posture and access log, and in a tenant's own audit log, which the tenant sees, when you read its content."}
          </p>
          <label>
            Reason (ticket or short note)
            <input
              autoFocus
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              placeholder="SUP-1234 customer asked about missing invoices"
              maxLength={accessReasonMaxLength}
            />
          </label>
          <div className="actions">
            <button type="button" onClick={() => settle(null)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!valid}>
              {request?.changing ? 'Change reason' : 'Continue'}
            </button>
          </div>
        </form>
      </Dialog>
    </AccessReasonContext.Provider>
  )
}

/** The reason given for `scope`, shown in the header with a way to change it (nothing before one is given). */
export function CurrentReason({ scope }: { scope: string }) {
  const { reasonFor, changeReason, scopeName } = useAccessReasons()
  const reason = reasonFor(scope)
  if (!reason) return null
  const where = scope === crossTenantScope ? 'every tenant' : (scopeName(scope) ?? 'this tenant')
  return (
    <div className="current-reason" role="status" aria-label="Your access reason">
      <span className="muted">Your reason for {where}:</span> <strong>{reason}</strong>
      <button type="button" onClick={() => changeReason(scope)}>
        Change reason
      </button>
    </div>
  )
}
