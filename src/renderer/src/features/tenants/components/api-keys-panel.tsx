import { useState } from 'react'
import { apiKeyScopes } from '@shared/permissions'
import { Dialog } from '@renderer/components/ui/dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useCreateApiKey, useRevokeApiKey } from '../api/tenant-queries'

interface ApiKey {
  id: string
  name: string
  prefix: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
}

/** The new key is shown once; the dialog cannot be closed until the person confirms they copied it. */
function NewKeyDialog({ secret, onDone }: { secret: string | null; onDone: () => void }) {
  const [copied, setCopied] = useState(false)
  const [confirmed, setConfirmed] = useState(false)
  return (
    <Dialog open={secret !== null} title="Your new API key" onClose={onDone} canClose={confirmed}>
      <p>This is the only time the key is shown. Store it in your secret manager now.</p>
      <code className="secret" data-testid="new-api-key">
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
          {copied ? 'Copied' : 'Copy key'}
        </button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} />I copied the key and stored it
        safely
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

export function ApiKeysPanel({ tenantId, apiKeys, canWrite }: { tenantId: string; apiKeys: ApiKey[]; canWrite: boolean }) {
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>(['tenant:read'])
  const [secret, setSecret] = useState<string | null>(null)
  const create = useCreateApiKey(tenantId)
  const revoke = useRevokeApiKey(tenantId)
  const error = problemOf(create.error ?? revoke.error)
  return (
    <div className="panel">
      {canWrite && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            create.mutate(
              { name, scopes },
              {
                onSuccess: (result) => {
                  setName('')
                  setSecret((result as { key: string }).key)
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
          <button type="submit" className="primary" disabled={create.isPending || scopes.length === 0}>
            Create key
          </button>
        </form>
      )}
      <ProblemMessage problem={error} />
      <RecordTable
        rows={apiKeys}
        rowKey={(key) => key.id}
        empty="No API keys."
        columns={[
          { header: 'Name', cell: (key) => key.name },
          { header: 'Key', cell: (key) => <code>{key.prefix}…</code> },
          { header: 'Scopes', cell: (key) => key.scopes.join(', ') },
          { header: 'Created', cell: (key) => formatDateTime(key.createdAt) },
          { header: 'Last used', cell: (key) => formatDateTime(key.lastUsedAt) },
        ]}
        actions={
          canWrite
            ? (key) => (
                <button type="button" className="danger" onClick={() => revoke.mutate(key.id)}>
                  Revoke
                </button>
              )
            : undefined
        }
      />
      <NewKeyDialog secret={secret} onDone={() => setSecret(null)} />
    </div>
  )
}
