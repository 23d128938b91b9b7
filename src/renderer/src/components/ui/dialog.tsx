import { useEffect, useRef, type ReactNode } from 'react'

/**
 * A modal dialog on the native <dialog> element (focus trapping and Escape for free). `canClose`
 * false keeps it open against Escape and the backdrop: the API-key dialog uses that until the key
 * was copied and confirmed.
 */
export function Dialog({
  open,
  title,
  onClose,
  canClose = true,
  children,
}: {
  open: boolean
  title: string
  onClose: () => void
  canClose?: boolean
  children: ReactNode
}) {
  const reference = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = reference.current
    if (!dialog) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])
  return (
    <dialog
      ref={reference}
      className="dialog"
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault()
        if (canClose) onClose()
      }}
    >
      <h2>{title}</h2>
      {children}
    </dialog>
  )
}
