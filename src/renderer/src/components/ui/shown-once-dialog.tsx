/**
 * A secret shown once (a new API key, an invitation link): the dialog cannot be closed, by Escape
 * or Done, until the person confirms they copied it. Copy puts it on the clipboard; the text can
 * also be selected by hand.
 */
import { useState, type ReactNode } from 'react'
import { Dialog } from './dialog'

export function ShownOnceDialog({
  secret,
  title,
  copyLabel,
  confirmLabel,
  testId,
  onDone,
  children,
}: {
  /** The secret to show; the dialog is open while it is not null. */
  secret: string | null
  title: string
  /** The copy button's label: "Copy key". */
  copyLabel: string
  /** What the person confirms before Done: "I copied the key and stored it safely". */
  confirmLabel: string
  /** The test id of the element holding the secret. */
  testId?: string
  onDone: () => void
  /** What the secret is for and that it is shown this once, above it. */
  children: ReactNode
}) {
  const [copied, setCopied] = useState(false)
  const [confirmed, setConfirmed] = useState(false)
  return (
    <Dialog open={secret !== null} title={title} onClose={onDone} canClose={confirmed}>
      {children}
      <code className="secret" data-testid={testId}>
        {secret}
      </code>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret ?? '').catch(() => undefined)
            setCopied(true)
          }}
        >
          {copied ? 'Copied' : copyLabel}
        </button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} />
        {confirmLabel}
      </label>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!confirmed}
          onClick={() => {
            setCopied(false)
            setConfirmed(false)
            onDone()
          }}
        >
          Done
        </button>
      </div>
    </Dialog>
  )
}
