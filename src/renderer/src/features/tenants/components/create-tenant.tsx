/**
 * An operator creates a tenant with its first owner: name, slug (suggested from the name until
 * edited) and the owner's email, checked by the contract's own rules before anything is sent.
 * The owner's invitation link is then shown once, in the dialog that cannot close before the copy
 * is confirmed; nobody is a member until the owner accepts it.
 */
import { useState } from 'react'
import { operations } from '@shared/contract'
import { ActionError } from '@renderer/components/ui/confirm-dialog'
import { Dialog } from '@renderer/components/ui/dialog'
import { ShownOnceDialog } from '@renderer/components/ui/shown-once-dialog'
import { showToast } from '@renderer/components/ui/toast'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { formatDateTime } from '@renderer/lib/format'
import { useCreateTenant, type NewTenant } from '../api/tenant-lifecycle-queries'
import { ReasonOfTheChange } from './tenant-lifecycle'

/** A slug suggested from a name: "Café Nord GmbH" → "cafe-nord-gmbh". */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '')
}

type Field = keyof NewTenant
const fieldLabels: Record<Field, string> = { name: 'Name', slug: 'Slug', ownerEmail: "Owner's email" }

/** Said instead of the schema's own words where those are technical. */
const fieldAdvice: Partial<Record<Field, string>> = {
  name: 'Give the tenant a name (at most 200 characters).',
  ownerEmail: 'An email address, such as owner@example.com.',
}

/** What the contract's rules (the ones the server applies) say about each field, or nothing. */
function fieldErrors(values: NewTenant): Partial<Record<Field, string>> {
  const parsed = operations.adminCreateTenant.input.safeParse(values)
  if (parsed.success) return {}
  const errors: Partial<Record<Field, string>> = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as Field
    errors[field] ??= values[field].trim() === '' ? 'Required.' : (fieldAdvice[field] ?? `Use ${issue.message}.`)
  }
  return errors
}

interface Created {
  name: string
  ownerEmail: string
  inviteToken: string
  expiresAt: string
}

function CreateTenantForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (created: Created) => void }) {
  const [values, setValues] = useState<NewTenant>({ name: '', slug: '', ownerEmail: '' })
  const [slugEdited, setSlugEdited] = useState(false)
  const [submitted, setSubmitted] = useState(false)
  const create = useCreateTenant()
  const errors = submitted ? fieldErrors(values) : {}
  const input = (field: Field, extra: { type?: string; hint?: string } = {}) => {
    const id = `new-tenant-${field}`
    const describedBy = [extra.hint ? `${id}-hint` : '', errors[field] ? `${id}-error` : ''].filter(Boolean).join(' ')
    return (
      <div className="form-field">
        <label htmlFor={id}>{fieldLabels[field]}</label>
        <input
          id={id}
          type={extra.type ?? 'text'}
          required
          value={values[field]}
          aria-invalid={errors[field] ? true : undefined}
          aria-describedby={describedBy || undefined}
          autoComplete="off"
          spellCheck={false}
          {...(field === 'name' ? { 'data-autofocus': true } : {})}
          onChange={(event) => {
            const value = event.target.value
            if (field === 'slug') setSlugEdited(true)
            setValues((current) => ({
              ...current,
              [field]: value,
              ...(field === 'name' && !slugEdited ? { slug: slugFromName(value) } : {}),
            }))
          }}
        />
        {extra.hint && (
          <span className="muted" id={`${id}-hint`}>
            {extra.hint}
          </span>
        )}
        {errors[field] && (
          <span className="field-error" id={`${id}-error`}>
            {errors[field]}
          </span>
        )}
      </div>
    )
  }
  return (
    <Dialog open title="New tenant" onClose={onCancel}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          setSubmitted(true)
          const trimmed = { name: values.name.trim(), slug: values.slug.trim(), ownerEmail: values.ownerEmail.trim() }
          if (Object.keys(fieldErrors(trimmed)).length > 0 || create.isPending) return
          create.mutate(trimmed, {
            onSuccess: (result) =>
              onCreated({
                name: result.tenant.name,
                ownerEmail: trimmed.ownerEmail,
                inviteToken: result.inviteToken,
                expiresAt: result.expiresAt,
              }),
          })
        }}
      >
        <p>The owner joins by accepting an invitation: its link is shown once, next.</p>
        {input('name')}
        {input('slug', { hint: 'Lowercase letters, digits and inner hyphens: how people and links name the tenant.' })}
        {input('ownerEmail', { type: 'email' })}
        <ReasonOfTheChange scope={crossTenantScope} where="the new tenant's audit log" />
        <ActionError error={create.error} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create tenant'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** "New tenant…" for operators: the form, then the owner's invitation link shown once, then a toast. */
export function CreateTenantButton() {
  const [open, setOpen] = useState(false)
  const [created, setCreated] = useState<Created | null>(null)
  return (
    <>
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        New tenant…
      </button>
      {open && (
        <CreateTenantForm
          onCancel={() => setOpen(false)}
          onCreated={(result) => {
            setOpen(false)
            setCreated(result)
          }}
        />
      )}
      <ShownOnceDialog
        secret={created?.inviteToken ?? null}
        title={created ? `Invitation link for ${created.ownerEmail}` : 'Invitation link'}
        copyLabel="Copy link"
        confirmLabel="I copied the link to send it to the owner"
        testId="invitation-link"
        onDone={() => {
          if (created) showToast(`Created ${created.name}. ${created.ownerEmail} becomes its owner by accepting the invitation.`)
          setCreated(null)
        }}
      >
        {created && (
          <p>
            {created.name} is created; it has no member yet. Send this link to <strong>{created.ownerEmail}</strong>: it is shown only this
            once and works until {formatDateTime(created.expiresAt)}. With it they choose a password and join as owner (someone who already
            has an account sees the invitation when they sign in).
          </p>
        )}
      </ShownOnceDialog>
    </>
  )
}
