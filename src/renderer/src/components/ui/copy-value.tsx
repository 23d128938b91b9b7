import { useEffect, useId, useRef, useState } from 'react'
import './copy-value.css'

/**
 * A value to copy elsewhere (the redirect URI to register at an identity provider): shown in a
 * read-only field, with a Copy button that says when it copied. Where the page may not write the
 * clipboard, the field's text is selected so it can be copied by hand, and the button says so.
 */
export function CopyValue({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId()
  const field = useRef<HTMLInputElement>(null)
  const [state, setState] = useState<'idle' | 'copied' | 'select'>('idle')
  useEffect(() => {
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setState('copied')
    } catch {
      field.current?.select()
      setState('select')
    }
  }
  return (
    <div className="copy-value">
      <label htmlFor={id}>{label}</label>
      <div className="copy-value-row">
        <input
          id={id}
          ref={field}
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(event) => event.target.select()}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <button type="button" onClick={() => void copy()}>
          {state === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="muted copy-value-hint">
          {hint}
        </p>
      )}
      <span className="visually-hidden" role="status">
        {state === 'copied' ? `${label} copied.` : state === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </span>
    </div>
  )
}
