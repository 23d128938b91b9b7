/**
 * The backends this console signs in to: this computer's own (built in, never changed or removed)
 * and remote ones by address. Each can be tested; remote ones added, edited and removed (removal
 * asks first, naming it); any one chosen as the connection in use. The same manager serves the
 * sign-in screen (in a dialog) and the settings page; `frame` puts the list in its place while the
 * dialogs it opens stay outside it (a dialog inside another's React tree would get its Escape too).
 */
import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { Connection, SessionStatus } from '@shared/bridge'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ErrorState, Loading } from '@renderer/components/ui/states'
import { showToast } from '@renderer/components/ui/toast'
import { connectionListQuery, useRemoveConnection, useSelectConnection, useTestConnection } from '../api/connection-queries'
import { kindLabel } from '../model/connection-form'
import { ConnectionForm } from './connection-form'
import { TestResult } from './test-result'
import './connections.css'

/** What a change did, for the app to refresh what hangs on the connection in use. */
export interface ConnectionsChange {
  /** The connection in use changed, or its session ended: what was read through it no longer holds. */
  activeChanged: boolean
}

export interface ConnectionsManagerProps {
  /** The console is signed in through the connection in use (the settings page), not at the sign-in screen. */
  signedIn: boolean
  /** After a connection was added, changed, removed or chosen. */
  onChanged: (change: ConnectionsChange) => void
  /** After a connection was chosen, with the session status on it (the sign-in screen's dialog closes). */
  onSelected?: (status: SessionStatus) => void
  /** Where the list goes (a dialog, at the sign-in screen); the list as it is otherwise. */
  frame?: (list: ReactNode) => ReactNode
}

/** "Test" on one row: what its backend answers now. */
function RowTest({ connection }: { connection: Connection }) {
  const test = useTestConnection()
  const url = connection.url
  return (
    <div className="connection-row-test">
      <button
        type="button"
        aria-label={`Test ${connection.name}`}
        disabled={!url || test.isPending}
        onClick={() => url && test.mutate(url)}
      >
        {test.isPending ? 'Testing…' : 'Test'}
      </button>
      <TestResult test={test} />
    </div>
  )
}

export function ConnectionsHelp() {
  return (
    <div className="connections-help">
      <h3>Addresses and certificates</h3>
      <p>
        A remote backend&apos;s address uses <strong>https</strong>; plain http is allowed only for a backend on this computer (
        <code>127.0.0.1</code> or <code>localhost</code>). Each backend is asked before it is added or moved, and its certificate must be
        one this computer trusts: a self-signed certificate, or one from a CA this computer does not know, is refused with the reason. The
        console never skips this check.
      </p>
      <p>
        Does your backend use a certificate from your organisation&apos;s own (private) CA? Make this computer trust that CA: set the
        environment variable <code>NODE_EXTRA_CA_CERTS</code> to the path of the CA&apos;s certificate as a PEM file (for example{' '}
        <code>NODE_EXTRA_CA_CERTS=/etc/ssl/certs/our-ca.pem</code>) before starting the console, then add the connection. It is read only
        when the console starts.
      </p>
      <p>
        Connections are saved without any secret. The session of each stays in this computer&apos;s keychain; this computer&apos;s own
        backend cannot be edited or removed.
      </p>
    </div>
  )
}

export function ConnectionsManager({ signedIn, onChanged, onSelected, frame = (list) => list }: ConnectionsManagerProps) {
  const connections = useQuery(connectionListQuery)
  const remove = useRemoveConnection()
  const select = useSelectConnection()
  const [editing, setEditing] = useState<Connection | 'new' | null>(null)
  const [removing, setRemoving] = useState<Connection | null>(null)
  const region = useRef<HTMLDivElement>(null)
  const removedId = useRef<string | null>(null)
  const activeId = connections.data?.activeId ?? null

  // A removed row takes its focused button along: focus comes back to the list rather than the document's start.
  useEffect(() => {
    const removed = removedId.current
    if (!removed || connections.data?.items.some((connection) => connection.id === removed)) return
    removedId.current = null
    const timer = setTimeout(() => {
      if (document.activeElement === null || document.activeElement === document.body) region.current?.focus()
    }, 0)
    return () => clearTimeout(timer)
  }, [connections.data])

  // Awaited rather than given callbacks: choosing may sign the console out, and this page goes with it; the change must still be told.
  const choose = (connection: Connection) =>
    void select.mutateAsync(connection.id).then(
      (status) => {
        // Signed out by the switch, the sign-in screen says so itself.
        if (status.signedIn || !signedIn)
          showToast(
            status.signedIn
              ? `Now using ${connection.name}, signed in as ${status.user?.email ?? 'before'}.`
              : `Now using ${connection.name}: sign in to it.`,
            'info',
          )
        onChanged({ activeChanged: true })
        onSelected?.(status)
      },
      (error: Error) => showToast(`Could not switch to ${connection.name}: ${error.message}`, 'danger'),
    )

  let list: ReactNode
  if (connections.isPending) list = <Loading label="Reading the connections…" />
  else if (connections.isError) list = <ErrorState error={connections.error} onRetry={() => void connections.refetch()} />
  else
    list = (
      <RecordTable
        rows={connections.data.items}
        rowKey={(connection) => connection.id}
        empty="No connection."
        columns={[
          {
            header: 'Name',
            cell: (connection) => (
              <span className="connection-name">
                <span>{connection.name}</span>
                {connection.id === activeId && <span className="badge badge-in-use">{signedIn ? 'In use · signed in' : 'In use'}</span>}
              </span>
            ),
          },
          {
            header: 'Address',
            cell: (connection) =>
              connection.url ? <code className="connection-url">{connection.url}</code> : <span className="muted">not started yet</span>,
          },
          { header: 'Kind', cell: kindLabel },
          { header: 'Check', cell: (connection) => <RowTest connection={connection} /> },
        ]}
        actions={(connection) => (
          <div className="row-actions connection-actions">
            {connection.id !== activeId && (
              <button
                type="button"
                aria-label={`Use this connection: ${connection.name}`}
                disabled={select.isPending}
                onClick={() => choose(connection)}
              >
                Use this connection
              </button>
            )}
            {connection.kind === 'remote' && (
              <>
                <button type="button" aria-label={`Edit ${connection.name}`} onClick={() => setEditing(connection)}>
                  Edit…
                </button>
                <button type="button" className="danger" aria-label={`Remove ${connection.name}`} onClick={() => setRemoving(connection)}>
                  Remove…
                </button>
              </>
            )}
          </div>
        )}
      />
    )

  const closeRemoval = () => {
    remove.reset()
    setRemoving(null)
  }
  const removingActive = removing !== null && removing.id === activeId

  return (
    <>
      {frame(
        <div className="connections-manager" ref={region} tabIndex={-1}>
          <div className="connections-toolbar">
            <p className="muted">
              The backends this console signs in to. {signedIn ? 'You are signed in through the one in use.' : 'Sign in to the one in use.'}
            </p>
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              Add connection…
            </button>
          </div>
          {list}
          <ConnectionsHelp />
        </div>,
      )}
      {editing && (
        <ConnectionForm
          editing={editing === 'new' ? undefined : editing}
          signedInThrough={signedIn && editing !== 'new' && editing.id === activeId}
          onCancel={() => setEditing(null)}
          onSaved={(connection, moved) => {
            setEditing(null)
            if (editing === 'new') showToast(`Added ${connection.name}. Choose “Use this connection” to sign in to it.`)
            else showToast(moved ? `Saved ${connection.name}: its session ended; sign in to it again.` : `Saved ${connection.name}.`)
            onChanged({ activeChanged: moved && connection.id === activeId })
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove the connection ${removing.name}?`}
          confirmLabel="Remove connection"
          pending={remove.isPending}
          error={remove.error}
          onCancel={closeRemoval}
          onConfirm={() =>
            void remove.mutateAsync(removing.id).then(
              ({ removed }) => {
                removedId.current = removing.id
                closeRemoval()
                showToast(removed ? `Removed the connection ${removing.name}.` : `${removing.name} was already removed.`)
                onChanged({ activeChanged: removingActive })
              },
              () => undefined, // said in the dialog, which stays open
            )
          }
        >
          <p>
            The console forgets <strong>{removing.url}</strong> and ends the session kept for it
            {removingActive
              ? signedIn
                ? ': you are signed out now, and the console goes back to this computer’s own backend'
                : '; the console goes back to this computer’s own backend'
              : ''}
            . Nothing on the backend itself is deleted, and it can be added again.
          </p>
        </ConfirmDialog>
      )}
    </>
  )
}
