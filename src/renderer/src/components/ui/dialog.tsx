import { useLayoutEffect, useRef, type ReactNode } from 'react'

/** The page's main area, where focus goes when the control that opened a dialog is gone. */
const pageArea = () => document.querySelector<HTMLElement>('main[tabindex="-1"]')

/**
 * Focus back to the dialog's opener. What the dialog did may remove that control a moment later
 * (a member's row, once the list is read again): focus then goes to the page's main area rather
 * than the document's start.
 */
function returnFocus(opener: HTMLElement | null): void {
  if (!opener?.isConnected) return void pageArea()?.focus()
  opener.focus()
  const watcher = new MutationObserver(() => {
    if (opener.isConnected) return
    watcher.disconnect()
    if (document.activeElement === null || document.activeElement === document.body) pageArea()?.focus()
  })
  watcher.observe(document.body, { childList: true, subtree: true })
  setTimeout(() => watcher.disconnect(), 3000)
}

/**
 * A modal dialog on the native <dialog> element (focus trapping and Escape for free). `canClose`
 * false keeps it open against Escape and the backdrop: the API-key dialog uses that until the key
 * was copied and confirmed.
 *
 * Focus: on opening it goes to the element marked `data-autofocus` (else the browser's choice, the
 * first focusable element); on closing, or when the dialog leaves the page while open (a dialog
 * rendered only while needed), it goes back to the control that had it before (or, when that control
 * went with what the dialog removed, to the page's main area), unless something else took focus.
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
  // A layout effect: its cleanup runs before React removes the dialog, so it closes while still on the page.
  useLayoutEffect(() => {
    const dialog = reference.current
    if (!dialog || !open) return
    const active = document.activeElement
    const opener = active instanceof HTMLElement && active !== document.body && !dialog.contains(active) ? active : null
    if (!dialog.open) dialog.showModal()
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    return () => {
      if (dialog.open) dialog.close()
      // The browser's close may have given focus back already; anywhere else, something else took it.
      const now = document.activeElement
      if (now === null || now === document.body || now === opener || dialog.contains(now)) returnFocus(opener)
    }
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
