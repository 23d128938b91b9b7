import { useState } from 'react'
import { problemOf } from '@renderer/lib/bridge'
import { useCancelSso, useDiscoverSso, useSignInWithSso } from '../api/session'
import { describeSsoProblem, issuerHost, ssoTargetOf } from '../model/sso-problem'

/**
 * "Sign in with SSO": one field (a work email or a tenant's slug), looked up first so the person
 * sees where they will sign in ("Continue with login.example.com for Acme") before the browser
 * opens; then a clear wait for the browser, with Cancel; a refusal in words from its problem.
 */
export function SsoSignIn({ disabled, onUsePassword }: { disabled: boolean; onUsePassword: () => void }) {
  const [text, setText] = useState('')
  const [cancelled, setCancelled] = useState(false)
  const discover = useDiscoverSso()
  const signIn = useSignInWithSso()
  const cancel = useCancelSso()
  const target = ssoTargetOf(text)
  const byEmail = 'email' in target
  const found = discover.data
  const discoveryProblem = problemOf(discover.error)
  const signInProblem = problemOf(signIn.error)
  const host = found ? issuerHost(found.issuer) : ''

  if (signIn.isPending) {
    return (
      <section className="sso-waiting" aria-labelledby="sso-waiting-heading">
        <div className="sso-waiting-title" role="status">
          <span className="spinner" aria-hidden="true" />
          <h2 id="sso-waiting-heading">Finish signing in in your browser…</h2>
        </div>
        <p>
          Your browser opened the sign-in page of <strong>{host}</strong>
          {found?.tenant ? (
            <>
              {' '}
              for <strong>{found.tenant.name}</strong>
            </>
          ) : null}
          . When you are done there, come back: the console signs you in by itself.
        </p>
        <p className="muted">No browser window? Cancel and try again. The sign-in expires after 10 minutes.</p>
        <button
          type="button"
          autoFocus
          disabled={cancel.isPending}
          onClick={() => {
            setCancelled(true)
            cancel.mutate()
          }}
        >
          Cancel
        </button>
      </section>
    )
  }

  return (
    <form
      className="sso-form"
      aria-labelledby="sso-heading"
      onSubmit={(event) => {
        event.preventDefault()
        setCancelled(false)
        signIn.reset()
        if (found) signIn.mutate(target)
        else discover.mutate(target)
      }}
    >
      <h2 id="sso-heading">Sign in with SSO</h2>
      <label>
        Work email or tenant
        <input
          required
          autoFocus
          autoComplete="username"
          spellCheck={false}
          placeholder="you@company.com or company-slug"
          value={text}
          aria-describedby="sso-hint"
          onChange={(event) => {
            setText(event.target.value)
            discover.reset()
            signIn.reset()
            setCancelled(false)
          }}
        />
      </label>
      <p id="sso-hint" className="muted sso-hint">
        Your email’s domain, or your tenant’s short name, tells the console which identity provider signs you in.
      </p>
      {discoveryProblem && (
        <p className="field-error" role="alert">
          {discoveryProblem.status === 404
            ? byEmail
              ? 'No single sign-on for that domain. Sign in with your password, or check the address.'
              : 'No single sign-on for that tenant. Check its short name, or sign in with your password.'
            : (discoveryProblem.detail ?? discoveryProblem.title)}
        </p>
      )}
      {signInProblem && <SsoRefusal problem={signInProblem} />}
      {cancelled && !signInProblem && (
        <p className="muted" role="status">
          Sign-in cancelled.
        </p>
      )}
      {found ? (
        <>
          <p className="sso-found" role="status">
            {found.tenant ? (
              <>
                <strong>{found.tenant.name}</strong> signs in through <strong>{host}</strong>.
              </>
            ) : (
              <>
                Platform operators sign in through <strong>{host}</strong>.
              </>
            )}
          </p>
          <button type="submit" className="primary" disabled={disabled}>
            Continue with {host}
            {found.tenant ? ` for ${found.tenant.name}` : ''}
          </button>
        </>
      ) : (
        <button type="submit" className="primary" disabled={disabled || discover.isPending}>
          {discover.isPending ? 'Looking up…' : 'Find my sign-in'}
        </button>
      )}
      <button type="button" className="link-button sso-switch" onClick={onUsePassword}>
        Sign in with a password instead
      </button>
    </form>
  )
}

function SsoRefusal({ problem }: { problem: NonNullable<ReturnType<typeof problemOf>> }) {
  const { headline, detail } = describeSsoProblem(problem)
  return (
    <div className="sso-refusal" role="alert">
      <strong>{headline}</strong>
      {detail && <p>{detail}</p>}
    </div>
  )
}
