/**
 * Access reasons: before an operator reads tenant data the console asks why (a ticket or free
 * text), remembers the answer per tenant (and for cross-tenant views) for this session only, and
 * sends it with every operator read. The tenant sees it in its audit log.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { Dialog } from '@renderer/components/ui/dialog'

export const crossTenantScope = 'all-tenants'

interface AccessReasons {
  reasonFor(scope: string): string | null
  /** The reason for `scope`, asking the operator first when there is none yet. */
  ensureReason(scope: string, what: string): Promise<string>
}

const AccessReasonContext = createContext<AccessReasons | null>(null)

export function AccessReasonProvider({ children }: { children: ReactNode }) {
  const [reasons, setReasons] = useState<Record<string, string>>({})
  const [request, setRequest] = useState<{ scope: string; what: string } | null>(null)
  const [draft, setDraft] = useState('')
  const pending = useRef<Array<{ scope: string; resolve: (reason: string) => void; reject: (error: Error) => void }>>([])

  const reasonFor = useCallback((scope: string) => reasons[scope] ?? null, [reasons])
  const ensureReason = useCallback(
    (scope: string, what: string) => {
      const known = reasons[scope]
      if (known) return Promise.resolve(known)
      return new Promise<string>((resolve, reject) => {
        pending.current.push({ scope, resolve, reject })
        setRequest({ scope, what })
        setDraft(reasons[crossTenantScope] ?? '')
      })
    },
    [reasons],
  )

  const settle = (reason: string | null) => {
    const scope = request?.scope
    for (const waiter of pending.current.filter((entry) => entry.scope === scope)) {
      if (reason) waiter.resolve(reason)
      else waiter.reject(new Error('no access reason given'))
    }
    pending.current = pending.current.filter((entry) => entry.scope !== scope)
    if (reason && scope) setReasons((current) => ({ ...current, [scope]: reason }))
    setRequest(null)
  }

  const value = useMemo(() => ({ reasonFor, ensureReason }), [reasonFor, ensureReason])
  const valid = draft.trim().length >= 3 && draft.trim().length <= 500
  return (
    <AccessReasonContext.Provider value={value}>
      {children}
      <Dialog open={request !== null} title="Why are you looking?" onClose={() => settle(null)}>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            if (valid) settle(draft.trim())
          }}
        >
          <p className="muted">
            You are about to read {request?.what}. Your reason is written into the audit log of every tenant you look at, and the tenant can see it.
          </p>
          <label>
            Reason (ticket or short note)
            <input autoFocus value={draft} onChange={(event) => setDraft(event.target.value)} placeholder="SUP-1234 customer asked about missing invoices" maxLength={500} />
          </label>
          <div className="actions">
            <button type="button" onClick={() => settle(null)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={!valid}>
              Continue
            </button>
          </div>
        </form>
      </Dialog>
    </AccessReasonContext.Provider>
  )
}

export function useAccessReasons(): AccessReasons {
  const context = useContext(AccessReasonContext)
  if (!context) throw new Error('useAccessReasons outside AccessReasonProvider')
  return context
}
