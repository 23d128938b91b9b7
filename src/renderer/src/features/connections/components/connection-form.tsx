/**
 * Adding or changing a remote backend: a name and an address, checked by main before it is saved.
 * "Test" asks the backend and says what it found. A refusal is shown under the address in main's
 * own words: a certificate this computer does not trust is refused with no way around it (only a
 * certificate this computer trusts gets past it); a backend that does not answer may be saved
 * anyway. Moving a connection to a new address ends the session kept for it, said before saving.
 */
import { useState } from 'react'
import type { Connection } from '@shared/bridge'
import { ActionError } from '@renderer/components/ui/confirm-dialog'
import { Dialog } from '@renderer/components/ui/dialog'
import { problemOf } from '@renderer/lib/bridge'
import { useAddConnection, useTestConnection, useUpdateConnection } from '../api/connection-queries'
import { fieldSlips, refusalOf, sameBackend, type ConnectionField, type ConnectionValues } from '../model/connection-form'
import { TestResult } from './test-result'

export const urlRule = 'Use https. Plain http is allowed only for a backend on this computer (127.0.0.1 or localhost).'

export function ConnectionForm({
  editing,
  signedInThrough,
  onCancel,
  onSaved,
}: {
  /** The connection to change; absent, a new one is added. */
  editing?: Connection
  /** The console is signed in through `editing` now: a new address signs it out. */
  signedInThrough: boolean
  onCancel: () => void
  /** Once main saved it: what it is now, and whether its address changed. */
  onSaved: (connection: Connection, moved: boolean) => void
}) {
  const [values, setValues] = useState<ConnectionValues>({ name: editing?.name ?? '', url: editing?.url ?? '' })
  const [submitted, setSubmitted] = useState(false)
  const add = useAddConnection()
  const update = useUpdateConnection()
  const test = useTestConnection()
  const save = editing ? update : add
  const moved = editing?.url ? values.url.trim() !== '' && !sameBackend(values.url, editing.url) : false
  const slips = submitted ? fieldSlips(values) : {}
  const problem = problemOf(save.error)
  const refusal = problem ? refusalOf(problem) : null
  const errorOf = (field: ConnectionField) => slips[field] ?? (refusal?.field === field ? refusal.message : undefined)
  const prefix = editing ? 'edit-connection' : 'new-connection'

  const submit = (evenIfUnreachable: boolean) => {
    setSubmitted(true)
    if (Object.keys(fieldSlips(values)).length > 0 || save.isPending) return
    const fields = { name: values.name.trim(), url: values.url.trim(), ...(evenIfUnreachable ? { evenIfUnreachable } : {}) }
    const done = (connection: Connection) => onSaved(connection, moved)
    // Main asks the backend again: its answer replaces what the last test found.
    test.reset()
    if (editing) update.mutate({ id: editing.id, ...fields }, { onSuccess: done })
    else add.mutate(fields, { onSuccess: done })
  }

  const field = (name: ConnectionField, label: string, hint?: string) => {
    const id = `${prefix}-${name}`
    const error = errorOf(name)
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
    return (
      <div className="connection-field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type={name === 'url' ? 'url' : 'text'}
          required
          value={values[name]}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          autoComplete="off"
          spellCheck={false}
          {...(name === 'url' ? { inputMode: 'url' as const, placeholder: 'https://limena.example.com' } : { 'data-autofocus': true })}
          onChange={(event) => {
            const value = event.target.value
            setValues((current) => ({ ...current, [name]: value }))
            // What was found about the old address says nothing about the new one.
            if (name === 'url') {
              test.reset()
              save.reset()
            }
          }}
        />
        {hint && (
          <span className="muted" id={`${id}-hint`}>
            {hint}
          </span>
        )}
        {error && (
          <span className={refusal?.field === name && !slips[name] ? 'connection-refusal' : 'field-error'} id={`${id}-error`} role="alert">
            {refusal?.field === name && !slips[name] && refusal.title ? <strong>{refusal.title}. </strong> : null}
            {error}
          </span>
        )}
      </div>
    )
  }

  const title = editing ? `Edit ${editing.name}` : 'Add a connection'
  return (
    <Dialog open title={title} onClose={onCancel}>
      <form
        className="connection-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          submit(false)
        }}
      >
        <p className="muted">The backend is asked before it is saved: one whose certificate this computer does not trust is refused.</p>
        {field('name', 'Name')}
        {field('url', 'Address (URL)', urlRule)}
        <div className="connection-test-row">
          <button type="button" disabled={values.url.trim() === '' || test.isPending} onClick={() => test.mutate(values.url.trim())}>
            {test.isPending ? 'Testing…' : 'Test'}
          </button>
          <TestResult test={test} />
        </div>
        {refusal?.unreachable && (
          <div className="connection-anyway">
            <p>
              It may simply not be running yet: {editing ? 'save' : 'add'} it anyway, and sign in once it answers.
              {values.url.trim().toLowerCase().startsWith('https:')
                ? ' Its certificate is checked then, as on every call: one this computer does not trust is refused.'
                : ''}
            </p>
            <button type="button" disabled={save.isPending} onClick={() => submit(true)}>
              {editing ? 'Save anyway' : 'Add anyway'}
            </button>
          </div>
        )}
        {/* A refusal about the whole form (not one field) is said here. */}
        {save.error && !refusal?.field ? <ActionError error={save.error} /> : null}
        {moved && (
          <p className="notice" role="status">
            A new address is another server: saving ends the session kept for {editing?.name}
            {signedInThrough ? ', and signs you out now' : ''}. You sign in to it again afterwards.
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Asking the backend…' : editing ? 'Save' : 'Add connection'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
