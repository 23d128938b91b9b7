/**
 * The signed-in person's own sessions: every device and app signed in as them, how each was
 * opened, and ending one or all the others (their next call is refused).
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { call } from '@renderer/lib/bridge'

export const accountKeys = {
  all: ['account'] as const,
  sessions: () => [...accountKeys.all, 'sessions'] as const,
  /** The person's tenants by id, to name the tenant a single sign-on came through. */
  tenantNames: () => [...accountKeys.all, 'tenant-names'] as const,
}

export function mySessionsQuery() {
  return queryOptions({ queryKey: accountKeys.sessions(), queryFn: async () => (await call('listMySessions', {})).items })
}

export function myTenantNamesQuery() {
  return queryOptions({
    queryKey: accountKeys.tenantNames(),
    queryFn: async () => new Map((await call('listTenants', {})).items.map((tenant) => [tenant.id, tenant.name] as const)),
    staleTime: 60_000,
  })
}

export function useEndMySession() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (sessionId: string) => call('endMySession', { sessionId }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions() }),
  })
}

export function useEndMyOtherSessions() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('endMyOtherSessions', {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions() }),
  })
}
