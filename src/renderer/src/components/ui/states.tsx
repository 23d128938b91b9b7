import type { ReactNode } from 'react'
import { AccessReasonDeclined } from '@renderer/lib/access-reasons'
import { problemOf } from '@renderer/lib/bridge'

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  )
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  // Declining to say why is a choice, not a failure: say what it means and offer to go on.
  if (error instanceof AccessReasonDeclined) {
    return (
      <div className="state state-empty">
        <strong>Nothing was read: no reason given.</strong>
        <p>Operators say why before they read tenant data; the reason is recorded with the read.</p>
        {onRetry && (
          <button type="button" onClick={onRetry}>
            Give a reason
          </button>
        )}
      </div>
    )
  }
  const problem = problemOf(error)
  return (
    <div className="state state-error" role="alert">
      <strong>{problem?.title ?? 'Something went wrong'}</strong>
      <p>{problem?.detail ?? (error instanceof Error ? error.message : 'Try again.')}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function Banner({ tone, title, children }: { tone: 'info' | 'warning' | 'danger'; title: string; children?: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      <strong>{title}</strong>
      {children && <span> {children}</span>}
    </div>
  )
}
