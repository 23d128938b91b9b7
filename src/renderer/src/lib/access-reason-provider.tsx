/**
 * Asks the operator why, in a dialog, when an operator call needs a reason for a scope that has
 * none yet; keeps the answers for this session only (the app remounts it at each sign-in).
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react'
import { accessReasonMaxLength, accessReasonSchema } from '@shared/access-reason'
import { Dialog } from '@renderer/components/ui/dialog'
import { AccessReasonContext, crossTenantScope, type AccessReasons } from './access-reasons'

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

  const value = useMemo((): AccessReasons => ({ reasonFor, ensureReason }), [reasonFor, ensureReason])
  const valid = accessReasonSchema.safeParse(draft).success
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
            You are about to read {request?.what}. Your reason is written into the audit log of every tenant you look at, and the tenant can
            see it.
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
              Continue
            </button>
          </div>
        </form>
      </Dialog>
    </AccessReasonContext.Provider>
  )
}
