import { useQuery } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import type { SessionStatus } from '@shared/bridge'
import { Banner } from '@renderer/components/ui/states'
import { problemOf } from '@renderer/lib/bridge'
import { connectionsQuery, useSelectConnection, useSignIn } from '../api/session'
import { SsoSignIn } from './sso-sign-in'
import './sign-in.css'

export function SignIn({
  status,
  notice,
  connectionsAction,
}: {
  status: SessionStatus
  notice: { title: string; text: string; tone: 'info' | 'warning' } | null
  /** Beside the connection picker: the app's way to add, edit, test and remove connections. */
  connectionsAction?: ReactNode
}) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [method, setMethod] = useState<'password' | 'sso'>('password')
  const signIn = useSignIn()
  const connections = useQuery(connectionsQuery)
  const selectConnection = useSelectConnection()
  const problem = problemOf(signIn.error)
  return (
    <main className="sign-in">
      <div className="card sign-in-card">
        <h1>Limena Operator Console</h1>
        {notice && (
          <Banner tone={notice.tone} title={notice.title}>
            {notice.text}
          </Banner>
        )}
        {status.credentialStore === 'session-only' && (
          <Banner tone="warning" title="No keychain.">
            {status.credentialStoreMessage}
          </Banner>
        )}
        {status.backend === 'failed' && (
          <Banner tone="danger" title="The embedded backend did not start.">
            {status.backendMessage}
          </Banner>
        )}
        <label>
          Connection
          <select
            value={connections.data?.activeId ?? ''}
            onChange={(event) => selectConnection.mutate(event.target.value)}
            disabled={!connections.data || selectConnection.isPending}
          >
            {connections.data?.items.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
                {connection.url ? ` — ${connection.url}` : ''}
              </option>
            ))}
          </select>
        </label>
        {connectionsAction}
        {method === 'sso' ? (
          <SsoSignIn disabled={status.backend !== 'ready'} onUsePassword={() => setMethod('password')} />
        ) : (
          <>
            <form
              className="password-form"
              onSubmit={(event) => {
                event.preventDefault()
                signIn.mutate({ email, password })
              }}
            >
              <label>
                Email
                <input
                  type="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                  autoFocus
                />
              </label>
              <label>
                Password
                <input
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              </label>
              {problem && (
                <p className="field-error" role="alert">
                  {problem.status === 401 ? 'Wrong email or password.' : (problem.detail ?? problem.title)}
                </p>
              )}
              <button type="submit" className="primary" disabled={signIn.isPending || status.backend === 'starting'}>
                {status.backend === 'starting' ? 'Starting the backend…' : signIn.isPending ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
            <div className="sign-in-or" aria-hidden="true">
              <span>or</span>
            </div>
            {/* Not "Sign in with SSO": the password form's "Sign in" stays the one button of that name. */}
            <button type="button" onClick={() => setMethod('sso')}>
              Use single sign-on (SSO)
            </button>
          </>
        )}
      </div>
    </main>
  )
}
