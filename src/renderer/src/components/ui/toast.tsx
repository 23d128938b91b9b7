/**
 * Short notes about what just happened ("Single sign-on saved for Acme", "Ended 2 other
 * sessions"), shown in a corner for a few seconds. `showToast` works from anywhere (a mutation's
 * onSuccess, outside React); the one `<Toaster />` the app renders (ToastProvider) shows them and
 * is a live region that is always on the page, so each note is read out when it appears.
 */
import { useEffect, useSyncExternalStore, type ReactNode } from 'react'
import './toast.css'

export type ToastTone = 'success' | 'info' | 'danger'

interface Toast {
  id: number
  tone: ToastTone
  message: string
}

/** How long a note stays: long enough to read a sentence twice. */
const toastMillis = 7000

let toasts: readonly Toast[] = []
let nextId = 1
const listeners = new Set<() => void>()

function publish(next: readonly Toast[]): void {
  toasts = next
  for (const listener of listeners) listener()
}

/** Shows a note about what just happened (at most three at once, the oldest going first). */
export function showToast(message: string, tone: ToastTone = 'success'): void {
  publish([...toasts.slice(-2), { id: nextId++, tone, message }])
}

function dismissToast(id: number): void {
  publish(toasts.filter((toast) => toast.id !== id))
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(toast.id), toastMillis)
    return () => clearTimeout(timer)
  }, [toast.id])
  return (
    <div className={`toast toast-${toast.tone}`}>
      <span>{toast.message}</span>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
        ×
      </button>
    </div>
  )
}

/** Where the notes show: rendered once, by ToastProvider. */
export function Toaster() {
  const current = useSyncExternalStore(subscribe, () => toasts)
  return (
    // Not a list: a live region's role replaces a list's, and list items outside a list are refused by axe.
    <div className="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {current.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  )
}

export function ToastProvider({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      <Toaster />
    </>
  )
}

/** `showToast`, for components that prefer a hook. */
export function useToast(): typeof showToast {
  return showToast
}
