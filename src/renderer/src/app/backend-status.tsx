import { queryOptions, useQuery } from '@tanstack/react-query'
import type { Health } from '@shared/contract'

export const healthKeys = { all: ['health'] as const }

export const healthQuery = queryOptions({
  queryKey: healthKeys.all,
  queryFn: async (): Promise<Health> => {
    const result = await window.limena.call('health', {})
    if (!result.ok) throw new Error(result.problem.detail ?? result.problem.title)
    return result.value
  },
  refetchInterval: 10_000,
})

export function BackendStatus() {
  const health = useQuery(healthQuery)
  return (
    <main className="status">
      <h1>Limena Operator Console</h1>
      {health.isPending && <p role="status">Connecting to the backend…</p>}
      {health.isError && <p role="alert">The backend is not reachable: {health.error.message}</p>}
      {health.data && (
        <p role="status">
          Backend {health.data.status === 'ok' ? 'ready' : 'unavailable'}; database {health.data.db}.
        </p>
      )}
    </main>
  )
}
