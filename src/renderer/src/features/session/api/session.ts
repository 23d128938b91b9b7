import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { SessionStatus } from '@shared/bridge'
import { problemTypes } from '@shared/problem'
import { call, onBridgeEvent, problemOf } from '@renderer/lib/bridge'

export const sessionKeys = {
  all: ['session'] as const,
  status: ['session', 'status'] as const,
  connections: ['session', 'connections'] as const,
}

export const sessionStatusQuery = queryOptions({
  queryKey: sessionKeys.status,
  queryFn: () => call('sessionStatus', {}),
  staleTime: 30_000,
})
export const connectionsQuery = queryOptions({ queryKey: sessionKeys.connections, queryFn: () => call('listConnections', {}) })

/** The session as main reports it, kept current by main's session-changed events. */
export function useSessionStatus() {
  const queryClient = useQueryClient()
  useEffect(
    () =>
      onBridgeEvent('session-changed', (status: SessionStatus) => {
        queryClient.setQueryData(sessionKeys.status, status)
        if (!status.signedIn) queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] })
      }),
    [queryClient],
  )
  // A call that comes back "session ended" means main has dropped the session: ask it for the new state.
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (
          event.type === 'updated' &&
          event.query.state.status === 'error' &&
          problemOf(event.query.state.error)?.type === problemTypes.sessionEnded
        ) {
          void queryClient.invalidateQueries({ queryKey: sessionKeys.status })
        }
      }),
    [queryClient],
  )
  return useQuery(sessionStatusQuery)
}

export function useSignIn() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => call('signIn', input),
    onSuccess: (status) => queryClient.setQueryData(sessionKeys.status, status),
  })
}

/** On an empty install: create the first platform operator, then sign in as them. */
export function useCreateFirstOperator() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => call('createFirstOperator', input),
    onSuccess: (status) => queryClient.setQueryData(sessionKeys.status, status),
  })
}

export function useSignOut() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('signOut', {}),
    onSuccess: (status) => {
      queryClient.clear()
      queryClient.setQueryData(sessionKeys.status, status)
    },
  })
}

export function useSelectConnection() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => call('selectConnection', { id }),
    onSuccess: (status) => {
      queryClient.clear()
      queryClient.setQueryData(sessionKeys.status, status)
    },
  })
}

/** Which identity provider signs in an email or a tenant (404 when none): asked before the browser opens. */
export function useDiscoverSso() {
  return useMutation({
    mutationFn: (target: { email: string } | { tenant: string }) => call('ssoDiscover', target),
  })
}

/**
 * Single sign-on through the system browser: main waits for the browser to come back and resolves
 * with the session (signed in), or signed out when cancelled, or the problem that refused it.
 */
export function useSignInWithSso() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (target: { email: string } | { tenant: string }) => call('signInWithSso', target),
    onSuccess: (status) => queryClient.setQueryData(sessionKeys.status, status),
  })
}

/** Stops the single sign-on waiting for the browser (its mutation then resolves signed out). */
export function useCancelSso() {
  return useMutation({ mutationFn: () => call('cancelSso', {}) })
}
