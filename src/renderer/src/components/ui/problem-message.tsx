import type { Problem } from '@shared/problem'

/** The one-line explanation of a failed action, read out by screen readers when it appears. */
export function ProblemMessage({ problem }: { problem: Problem | null }) {
  if (!problem) return null
  return (
    <p className="field-error" role="alert">
      {problem.detail ?? problem.title}
    </p>
  )
}
