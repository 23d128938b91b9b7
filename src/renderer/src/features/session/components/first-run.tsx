import { useState } from 'react'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { useCreateFirstOperator } from '../api/session'

/** On an empty embedded install: create the first platform operator, then sign in as them. */
export function FirstRun() {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const create = useCreateFirstOperator()
  const mismatch = repeat.length > 0 && repeat !== password
  const problem = problemOf(create.error)
  return (
    <main className="sign-in">
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault()
          if (!mismatch) create.mutate({ email, password })
        }}
      >
        <h1>Welcome to Limena</h1>
        <p className="muted">
          This install has no operator yet. Create the first platform operator: they see every tenant and can create the others with{' '}
          <code>limena create-operator</code>.
        </p>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} autoFocus />
        </label>
        <label>
          Password (at least 12 characters)
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <label>
          Password again
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
            aria-invalid={mismatch}
          />
        </label>
        {mismatch && <p className="field-error">The passwords differ.</p>}
        <ProblemMessage problem={problem} />
        <button type="submit" className="primary" disabled={create.isPending || mismatch}>
          {create.isPending ? 'Creating…' : 'Create operator and sign in'}
        </button>
      </form>
    </main>
  )
}
