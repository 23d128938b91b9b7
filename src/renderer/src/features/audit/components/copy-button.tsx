import { useEffect, useState, type MouseEvent } from 'react'

/** Puts `text` on the clipboard; false when the page may not (the caller then shows it to copy by hand). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    try {
      // The old way, for a page the clipboard API refuses (no focus, no permission).
      return document.execCommand('copy')
    } catch {
      return false
    } finally {
      area.remove()
    }
  }
}

/** Two sheets (copy), or a tick once copied: drawn, so no font lacks the glyph. */
function CopyIcon({ copied }: { copied: boolean }) {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      width="12"
      height="12"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      {copied ? (
        <path d="M2.5 8.5l3.5 3.5 7.5-8" strokeLinecap="round" strokeLinejoin="round" />
      ) : (
        <>
          <rect x="5.5" y="5.5" width="8.5" height="8.5" rx="1.5" />
          <path d="M10.5 5.5V3.5a1.5 1.5 0 0 0-1.5-1.5H3.5A1.5 1.5 0 0 0 2 3.5V9a1.5 1.5 0 0 0 1.5 1.5h2" />
        </>
      )}
    </svg>
  )
}

/**
 * A small button that copies `text` (an id, a link) and says so: its own name turns to "Copied"
 * for a moment and `onCopied` lets the page announce it. `tabbable` false for the buttons inside
 * a grid's rows (the keyboard reaches the same ids in the event drawer).
 */
export function CopyButton({
  text,
  label,
  onCopied,
  tabbable = true,
  children,
  className = 'copy-button',
}: {
  text: string
  label: string
  onCopied?: (message: string) => void
  tabbable?: boolean
  children?: string
  className?: string
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 1500)
    return () => clearTimeout(timer)
  }, [state])
  const copy = async (event: MouseEvent) => {
    // Inside a row: copying is not opening the event.
    event.stopPropagation()
    const copied = await copyText(text)
    setState(copied ? 'copied' : 'failed')
    onCopied?.(copied ? `Copied: ${text}` : `Could not copy. Select it by hand: ${text}`)
  }
  return (
    <button
      type="button"
      className={className}
      aria-label={state === 'copied' ? `${label}: copied` : label}
      title={`${label}: ${text}`}
      tabIndex={tabbable ? undefined : -1}
      onClick={(event) => void copy(event)}
    >
      {children ?? <CopyIcon copied={state === 'copied'} />}
      {children && state === 'copied' ? ' (copied)' : ''}
    </button>
  )
}
