import { useEffect, useState } from 'react'
import type { OperationOutput } from '@shared/contract'
import { apiKeyScopes } from '@shared/permissions'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { Dialog } from '@renderer/components/ui/dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { ShownOnceDialog } from '@renderer/components/ui/shown-once-dialog'
import { Banner } from '@renderer/components/ui/states'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useCreateApiKey, useRevokeApiKey, useRollApiKey, type ApiKeyLifetime } from '../api/tenant-queries'

type ApiKey = OperationOutput<'listApiKeys'>['items'][number]

const dayMillis = 86_400_000
const hourMillis = 3_600_000

/** The expiries offered at creation, as the contract takes them; "never" is null. */
const lifetimeChoices: Array<{ value: ApiKeyLifetime; label: string }> = [
  { value: 30, label: '30 days' },
  { value: 90, label: '90 days' },
  { value: 365, label: '365 days' },
  { value: null, label: 'Never' },
]
const lifetimeOf = (value: string): ApiKeyLifetime => lifetimeChoices.find((choice) => String(choice.value) === value)!.value

/** Grace periods offered when rolling, in hours (the contract takes 0 to 168). */
const graceChoices = [
  { hours: 0, label: 'No grace: it stops at once' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days (the longest)' },
]

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`

/** How old a key is: "today", "1 day", "45 days". */
function ageOf(createdAt: string, now: number): string {
  const days = Math.floor((now - Date.parse(createdAt)) / dayMillis)
  return days < 1 ? 'today' : plural(days, 'day')
}

/** How long until `at`, to the nearest hour or day: "in 3 hours", "in 30 days". */
function untilOf(at: string, now: number): string {
  const left = Date.parse(at) - now
  return left < dayMillis - hourMillis / 2
    ? `in ${plural(Math.max(1, Math.round(left / hourMillis)), 'hour')}`
    : `in ${plural(Math.round(left / dayMillis), 'day')}`
}

/** The time ages and expiries are counted from: read when the panel opens, after each change, and every half minute. */
function useNow(): [number, () => void] {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000)
    return () => clearInterval(timer)
  }, [])
  return [now, () => setNow(Date.now())]
}

const isExpired = (key: ApiKey, now: number) => key.expiresAt !== null && Date.parse(key.expiresAt) <= now

function ExpiryCell({ apiKey, now }: { apiKey: ApiKey; now: number }) {
  if (apiKey.rolledAt && apiKey.expiresAt)
    return (
      <>
        <strong>Rolled, valid until</strong> {formatDateTime(apiKey.expiresAt)}
      </>
    )
  if (!apiKey.expiresAt) return <>Never</>
  if (isExpired(apiKey, now))
    return (
      <>
        <strong className="bad">Expired</strong> {formatDateTime(apiKey.expiresAt)}
      </>
    )
  return (
    <>
      {formatDateTime(apiKey.expiresAt)} <span className="muted">({untilOf(apiKey.expiresAt, now)})</span>
    </>
  )
}

/** The new key is shown once; the dialog cannot be closed until the person confirms they copied it. */
function NewKeyDialog({ secret, onDone }: { secret: string | null; onDone: () => void }) {
  return (
    <ShownOnceDialog
      secret={secret}
      title="Your new API key"
      copyLabel="Copy key"
      confirmLabel="I copied the key and stored it safely"
      testId="new-api-key"
      onDone={onDone}
    >
      <p>This is the only time the key is shown. Store it in your secret manager now.</p>
    </ShownOnceDialog>
  )
}

/** Revoking is for good: the key's name must be typed before the button does anything. */
function RevokeDialog({
  apiKey,
  tenantId,
  onClose,
  onRevoked,
}: {
  apiKey: ApiKey
  tenantId: string
  onClose: () => void
  onRevoked: (message: string) => void
}) {
  const revoke = useRevokeApiKey(tenantId)
  return (
    <ConfirmDialog
      title={`Revoke API key “${apiKey.name}”?`}
      confirmLabel="Revoke key"
      typeToConfirm={apiKey.name}
      pending={revoke.isPending}
      error={revoke.error}
      onCancel={onClose}
      onConfirm={() => revoke.mutate(apiKey.id, { onSuccess: () => onRevoked(`Revoked “${apiKey.name}” (its key no longer works).`) })}
    >
      <p>
        Whatever uses <code>{apiKey.prefix}…</code> is refused from now on. This cannot be undone.
      </p>
    </ConfirmDialog>
  )
}

/** Rolling makes a successor now; the old key keeps working for the grace period picked here. */
function RollDialog({
  apiKey,
  tenantId,
  onClose,
  onRolled,
}: {
  apiKey: ApiKey
  tenantId: string
  onClose: () => void
  onRolled: (secret: string, message: string) => void
}) {
  const [graceHours, setGraceHours] = useState(24)
  const roll = useRollApiKey(tenantId)
  const lifetime = apiKey.expiresInDays === null ? 'never expires' : `expires ${apiKey.expiresInDays} days after it is made`
  return (
    <Dialog open title={`Roll API key “${apiKey.name}”`} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          roll.mutate(
            { keyId: apiKey.id, graceHours },
            {
              onSuccess: (result) =>
                onRolled(
                  result.key,
                  graceHours === 0
                    ? `Rolled “${apiKey.name}”: the old key no longer works.`
                    : `Rolled “${apiKey.name}”: the old key works until ${formatDateTime(result.replaced.validUntil)}.`,
                ),
            },
          )
        }}
      >
        <p>
          A new key replaces <code>{apiKey.prefix}…</code> with the same name and scopes; like this one, it {lifetime}. You see the new key
          once. Put it everywhere the old one is used before the grace period ends.
        </p>
        <label>
          The old key keeps working for
          <select value={graceHours} onChange={(event) => setGraceHours(Number(event.target.value))}>
            {graceChoices.map((choice) => (
              <option key={choice.hours} value={choice.hours}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        {apiKey.expiresAt && <p className="muted">It never outlives its own expiry ({formatDateTime(apiKey.expiresAt)}).</p>}
        <ProblemMessage problem={problemOf(roll.error)} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={roll.isPending}>
            Roll key
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export function ApiKeysPanel({ tenantId, apiKeys, canWrite }: { tenantId: string; apiKeys: ApiKey[]; canWrite: boolean }) {
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['tenant:read'])
  const [lifetime, setLifetime] = useState<ApiKeyLifetime>(90)
  const [secret, setSecret] = useState<string | null>(null)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)
  const [rolling, setRolling] = useState<ApiKey | null>(null)
  const [status, setStatus] = useState('')
  const create = useCreateApiKey(tenantId)
  const [now, readNow] = useNow()
  return (
    <div className="panel">
      {canWrite && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            create.mutate(
              { name, scopes, expiresInDays: lifetime },
              {
                onSuccess: (result) => {
                  readNow()
                  setName('')
                  setStatus('')
                  setSecret(result.key)
                },
              },
            )
          }}
        >
          <label>
            Name
            <input required value={name} onChange={(event) => setName(event.target.value)} placeholder="CI deploy" />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            {apiKeyScopes.map((scope) => (
              <label key={scope} className="checkbox">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(event) =>
                    setScopes((current) => (event.target.checked ? [...current, scope] : current.filter((entry) => entry !== scope)))
                  }
                />
                {scope}
              </label>
            ))}
          </fieldset>
          <label>
            Expires after
            <select value={String(lifetime)} onChange={(event) => setLifetime(lifetimeOf(event.target.value))}>
              {lifetimeChoices.map((choice) => (
                <option key={String(choice.value)} value={String(choice.value)}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
          {lifetime === null && (
            <Banner tone="warning" title="This key would never expire.">
              It works until someone revokes it, however long it goes unused or wherever it leaks. Prefer an expiry, and roll the key before
              it ends.
            </Banner>
          )}
          <button type="submit" className="primary" disabled={create.isPending || scopes.length === 0}>
            Create key
          </button>
        </form>
      )}
      <ProblemMessage problem={problemOf(create.error)} />
      <div role="status" className={status ? 'notice' : undefined} style={status ? { margin: '0.75rem 0' } : undefined}>
        {status}
      </div>
      <RecordTable
        rows={apiKeys}
        rowKey={(key) => key.id}
        empty="No API keys."
        columns={[
          { header: 'Name', cell: (key) => key.name },
          { header: 'Key', cell: (key) => <code>{key.prefix}…</code> },
          { header: 'Scopes', cell: (key) => key.scopes.join(', ') },
          {
            header: 'Age',
            cell: (key) => (
              <>
                {ageOf(key.createdAt, now)}
                <br />
                <span className="muted">created {formatDateTime(key.createdAt)}</span>
              </>
            ),
          },
          { header: 'Last used', cell: (key) => (key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never used') },
          { header: 'Expires', cell: (key) => <ExpiryCell apiKey={key} now={now} /> },
        ]}
        actions={
          canWrite
            ? (key) => (
                <div className="row-actions">
                  {!key.rolledAt && !isExpired(key, now) && (
                    <button type="button" aria-label={`Roll ${key.name}`} onClick={() => setRolling(key)}>
                      Roll
                    </button>
                  )}
                  <button type="button" className="danger" aria-label={`Revoke ${key.name}`} onClick={() => setRevoking(key)}>
                    Revoke
                  </button>
                </div>
              )
            : undefined
        }
      />
      {revoking && (
        <RevokeDialog
          apiKey={revoking}
          tenantId={tenantId}
          onClose={() => setRevoking(null)}
          onRevoked={(message) => {
            readNow()
            setRevoking(null)
            setStatus(message)
          }}
        />
      )}
      {rolling && (
        <RollDialog
          apiKey={rolling}
          tenantId={tenantId}
          onClose={() => setRolling(null)}
          onRolled={(key, message) => {
            readNow()
            setRolling(null)
            setStatus(message)
            setSecret(key)
          }}
        />
      )}
      <NewKeyDialog secret={secret} onDone={() => setSecret(null)} />
    </div>
  )
}
