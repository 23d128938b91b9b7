import { useState } from 'react'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { showToast } from '@renderer/components/ui/toast'
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

const providerNames: Record<Integration['provider'], string> = { slack: 'Slack', jira: 'Jira', github: 'GitHub' }

/** How the question and the toast name an integration: its provider and label. */
const integrationName = (integration: Integration) => `${providerNames[integration.provider]} “${integration.label}”`

/** Disconnecting is asked first, naming the integration: its sealed secret is deleted. */
function DisconnectDialog({ tenantId, integration, onClose }: { tenantId: string; integration: Integration; onClose: () => void }) {
  const disconnect = useDisconnectIntegration(tenantId)
  const name = integrationName(integration)
  return (
    <ConfirmDialog
      title={`Disconnect ${name}?`}
      confirmLabel="Disconnect"
      pending={disconnect.isPending}
      error={disconnect.error}
      onCancel={onClose}
      onConfirm={() =>
        disconnect.mutate(integration.id, {
          onSuccess: () => {
            onClose()
            showToast(`Disconnected ${name}.`)
          },
        })
      }
    >
      <p>
        Its stored secret is deleted and nothing reaches {providerNames[integration.provider]} through it any more. Connecting again needs
        the secret.
      </p>
    </ConfirmDialog>
  )
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
  const [disconnecting, setDisconnecting] = useState<Integration | null>(null)
  const connect = useConnectIntegration(tenantId)
  const error = problemOf(connect.error)
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
                <button
                  type="button"
                  className="danger"
                  aria-label={`Disconnect ${integrationName(integration)}`}
                  onClick={() => setDisconnecting(integration)}
                >
                  Disconnect…
                </button>
              )
            : undefined
        }
      />
      {disconnecting && <DisconnectDialog tenantId={tenantId} integration={disconnecting} onClose={() => setDisconnecting(null)} />}
    </div>
  )
}
