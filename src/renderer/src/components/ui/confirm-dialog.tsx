/**
 * The confirmation every destructive action goes through: a dialog whose title names the thing
 * and the change, what it means, and a button that says what it does. With `typeToConfirm`, the
 * button stays disabled until that exact text (a key's name, a tenant's slug) is typed. Focus
 * goes to that field, or else to the question itself, never to the button that acts; Escape and
 * Cancel change nothing. A failure is said inside the dialog, which stays open.
 */
import { useState, type ReactNode } from 'react'
import { AccessReasonDeclined } from '@renderer/lib/access-reasons'
import { problemOf } from '@renderer/lib/bridge'
import { Dialog } from './dialog'
import { ProblemMessage } from './problem-message'
import './confirm-dialog.css'

/** Why an action failed, in words: the backend's problem, a declined access reason, or the error's message. */
export function ActionError({ error }: { error: unknown }) {
  if (!error) return null
  if (error instanceof AccessReasonDeclined)
    return (
      <p className="field-error" role="alert">
        Nothing changed: no reason was given.
      </p>
    )
  const problem = problemOf(error)
  if (problem) return <ProblemMessage problem={problem} />
  return (
    <p className="field-error" role="alert">
      {error instanceof Error ? error.message : 'Something went wrong. Nothing changed.'}
    </p>
  )
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  tone = 'danger',
  typeToConfirm,
  pending = false,
  error,
  onConfirm,
  onCancel,
}: {
  /** Names the thing and the change: "Remove alice@example.com from this tenant?" */
  title: string
  /** What the change means, in a sentence or two. */
  children: ReactNode
  confirmLabel: string
  tone?: 'danger' | 'primary'
  /** The exact text to type before the button acts (a key's name, a tenant's slug). */
  typeToConfirm?: string
  pending?: boolean
  error?: unknown
  /** Called with what was typed (empty without `typeToConfirm`). */
  onConfirm: (typed: string) => void
  onCancel: () => void
}) {
  const [typed, setTyped] = useState('')
  const typedRight = typeToConfirm === undefined || typed === typeToConfirm
  return (
    <Dialog open title={title} onClose={onCancel}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (typedRight && !pending) onConfirm(typed)
        }}
      >
        <div className="confirm-question" {...(typeToConfirm === undefined ? { tabIndex: -1, 'data-autofocus': true } : {})}>
          {children}
        </div>
        {typeToConfirm !== undefined && (
          <label>
            <span>
              Type <strong>{typeToConfirm}</strong> to confirm
            </span>
            <input
              data-autofocus
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
            />
          </label>
        )}
        <ActionError error={error} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className={tone} disabled={!typedRight || pending}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
