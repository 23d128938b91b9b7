/**
 * What "Test" found, in main's words: the backend answers (and its database), or why not. The
 * line is a live region that is always on the page, so each answer is read out when it comes.
 */
import type { UseMutationResult } from '@tanstack/react-query'
import type { ConnectionTest } from '@shared/bridge'
import { problemOf } from '@renderer/lib/bridge'

export function TestResult({ test, id }: { test: UseMutationResult<ConnectionTest, Error, string>; id?: string }) {
  const failure = test.error ? (problemOf(test.error)?.detail ?? test.error.message) : null
  let tone = ''
  let text = ''
  if (test.isPending) text = 'Asking the backend…'
  else if (failure) [tone, text] = ['test-failed', failure]
  else if (test.data) [tone, text] = test.data.ok ? ['test-passed', test.data.message] : ['test-failed', test.data.message]
  return (
    <p className={`connection-test-result ${tone}`} role="status" id={id}>
      {tone === 'test-passed' && <span aria-hidden="true">✓ </span>}
      {text}
    </p>
  )
}
