/**
 * "Your sessions": every place signed in as the person (this console, another computer, a script
 * holding a session), how each was opened (password, or single sign-on through which provider and
 * tenant), from where and when; this one marked. Ending one (or every other) asks first, then says
 * what happened; the session ended is refused at its next call.
 */
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { UserSession } from '@shared/contract'
import { ConfirmDialog } from '@renderer/components/ui/confirm-dialog'
import { RecordTable } from '@renderer/components/ui/record-table'
import { ErrorState, Loading } from '@renderer/components/ui/states'
import { showToast } from '@renderer/components/ui/toast'
import { formatDateTime } from '@renderer/lib/format'
import { useViewer } from '@renderer/lib/tenant-view'
import { mySessionsQuery, myTenantNamesQuery, useEndMyOtherSessions, useEndMySession } from '../api/my-sessions-queries'
import { describeOrigin, issuerHost } from '../model/session-origin'
import { describeUserAgent } from '../model/user-agent'
import './my-sessions-page.css'

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

/** This session first, then the most recently used. */
function ordered(sessions: UserSession[]): UserSession[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt))
}

export function MySessionsPage({ email }: { email: string | null }) {
  const sessions = useQuery(mySessionsQuery())
  const tenantNames = useQuery(myTenantNamesQuery())
  const viewer = useViewer()
  const endOne = useEndMySession()
  const endOthers = useEndMyOtherSessions()
  const [ending, setEnding] = useState<UserSession | null>(null)
  const [endingOthers, setEndingOthers] = useState(false)

  if (sessions.isPending) return <Loading label="Loading your sessions…" />
  if (sessions.isError) return <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
  const rows = ordered(sessions.data)
  const others = rows.filter((session) => !session.current)
  const nameOf = (tenantId: string) => tenantNames.data?.get(tenantId) ?? null
  const scopedTo = viewer.sessionOrigin?.sso?.tenantId ?? null

  return (
    <section className="page my-sessions">
      <header className="page-header">
        <h1>Your sessions</h1>
        <button type="button" className="danger header-action" disabled={others.length === 0} onClick={() => setEndingOthers(true)}>
          End all other sessions…
        </button>
      </header>
      <p className="muted">
        Everywhere {email ?? 'you'} {email ? 'is' : 'are'} signed in: this console, other computers, scripts holding a session. Ending a
        session signs it out: its next call is refused.
      </p>
      {scopedTo && viewer.sessionOrigin?.sso && (
        <p className="notice">
          This session came through the single sign-on of {nameOf(scopedTo) ?? 'a tenant'} ({issuerHost(viewer.sessionOrigin.sso.issuer)}):
          it lists and ends only the sessions that provider opened.
        </p>
      )}
      <RecordTable
        rows={rows}
        rowKey={(session) => session.id}
        empty="No active session."
        columns={[
          {
            header: 'Device',
            cell: (session) => (
              <span className="session-device">
                <span title={session.userAgent ?? undefined}>{describeUserAgent(session.userAgent)}</span>
                {session.current && <span className="badge badge-current">This session</span>}
              </span>
            ),
          },
          { header: 'Opened with', cell: (session) => describeOrigin(session.origin, nameOf) },
          { header: 'IP address', cell: (session) => session.ip ?? <span className="muted">unknown</span> },
          { header: 'Opened', cell: (session) => formatDateTime(session.createdAt) },
          { header: 'Last used', cell: (session) => formatDateTime(session.lastUsedAt) },
          { header: 'Expires', cell: (session) => formatDateTime(session.expiresAt) },
        ]}
        actions={(session) =>
          session.current ? (
            <span className="muted">Sign out to end it</span>
          ) : (
            <button
              type="button"
              className="danger"
              aria-label={`End the session on ${describeUserAgent(session.userAgent)}, last used ${formatDateTime(session.lastUsedAt)}`}
              onClick={() => setEnding(session)}
            >
              End session
            </button>
          )
        }
      />
      {ending && (
        <ConfirmDialog
          title={`End the session on ${describeUserAgent(ending.userAgent)}?`}
          confirmLabel="End session"
          pending={endOne.isPending}
          error={endOne.error}
          onCancel={() => {
            endOne.reset()
            setEnding(null)
          }}
          onConfirm={() =>
            endOne.mutate(ending.id, {
              onSuccess: () => {
                showToast(`Ended the session on ${describeUserAgent(ending.userAgent)}: it is signed out.`)
                setEnding(null)
              },
            })
          }
        >
          <p>
            Opened {formatDateTime(ending.createdAt)} ({describeOrigin(ending.origin, nameOf)}){ending.ip ? ` from ${ending.ip}` : ''}, last
            used {formatDateTime(ending.lastUsedAt)}. It is signed out now: its next call is refused.
          </p>
        </ConfirmDialog>
      )}
      {endingOthers && (
        <ConfirmDialog
          title="End all your other sessions?"
          confirmLabel={`End ${plural(others.length, 'other session', 'other sessions')}`}
          pending={endOthers.isPending}
          error={endOthers.error}
          onCancel={() => {
            endOthers.reset()
            setEndingOthers(false)
          }}
          onConfirm={() =>
            endOthers.mutate(undefined, {
              onSuccess: ({ endedSessions }) => {
                showToast(
                  endedSessions === 0
                    ? 'No other session was open.'
                    : `Ended ${plural(endedSessions, 'other session', 'other sessions')}: only this one is signed in now.`,
                )
                setEndingOthers(false)
              },
            })
          }
        >
          <p>
            {plural(others.length, 'session', 'sessions')} besides this one {others.length === 1 ? 'is' : 'are'} signed out now, wherever{' '}
            {others.length === 1 ? 'it is' : 'they are'}. This console stays signed in.
          </p>
        </ConfirmDialog>
      )}
    </section>
  )
}
