import { useState } from 'react'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { formatDateTime } from '@renderer/lib/format'
import { useConnectIntegration, useDisconnectIntegration } from '../api/tenant-queries'

interface Integration {
  id: string
  provider: 'slack' | 'jira' | 'github'
  label: string
  connectedAt: string
  keyVersion: number
}

export function IntegrationsPanel({
  tenantId,
  integrations,
  canWrite,
}: {
  tenantId: string
  integrations: Integration[]
  canWrite: boolean
}) {
  const [provider, setProvider] = useState<Integration['provider']>('slack')
  const [label, setLabel] = useState('')
  const [secret, setSecret] = useState('')
  const connect = useConnectIntegration(tenantId)
  const disconnect = useDisconnectIntegration(tenantId)
  const error = problemOf(connect.error ?? disconnect.error)
  return (
    <div className="panel">
      {canWrite && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            connect.mutate(
              { provider, label, secret },
              {
                onSuccess: () => {
                  setLabel('')
                  setSecret('')
                },
              },
            )
          }}
        >
          <label>
            Provider
            <select value={provider} onChange={(event) => setProvider(event.target.value as Integration['provider'])}>
              <option value="slack">Slack</option>
              <option value="jira">Jira</option>
              <option value="github">GitHub</option>
            </select>
          </label>
          <label>
            Label
            <input required value={label} onChange={(event) => setLabel(event.target.value)} placeholder="Main workspace" />
          </label>
          <label>
            Token or secret
            <input required type="password" autoComplete="off" value={secret} onChange={(event) => setSecret(event.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={connect.isPending}>
            Connect
          </button>
        </form>
      )}
      <p className="muted">Secrets are encrypted per tenant (AES-256-GCM) as soon as they reach the backend and are never shown again.</p>
      <ProblemMessage problem={error} />
      <RecordTable
        rows={integrations}
        rowKey={(integration) => integration.id}
        empty="No integrations connected."
        columns={[
          { header: 'Provider', cell: (integration) => integration.provider },
          { header: 'Label', cell: (integration) => integration.label },
          { header: 'Connected', cell: (integration) => formatDateTime(integration.connectedAt) },
          { header: 'Key version', cell: (integration) => `v${integration.keyVersion}` },
        ]}
        actions={
          canWrite
            ? (integration) => (
                <button type="button" className="danger" onClick={() => disconnect.mutate(integration.id)}>
                  Disconnect
                </button>
              )
            : undefined
        }
      />
    </div>
  )
}
