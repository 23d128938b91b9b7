/**
 * The backends this console knows (this computer's own and remote ones by URL), through main's
 * own operations: list, add and change (main asks the backend first), test, remove, and choose
 * the one to use. Every change reads the list again.
 */
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { BridgeInput } from '@shared/bridge'
import { call } from '@renderer/lib/bridge'

export const connectionKeys = {
  all: ['connections'] as const,
  list: () => [...connectionKeys.all, 'list'] as const,
}

export const connectionListQuery = queryOptions({ queryKey: connectionKeys.list(), queryFn: () => call('listConnections', {}) })

export type NewConnection = BridgeInput<'addConnection'>
export type ChangedConnection = BridgeInput<'updateConnection'>

function useListChange<Input, Output>(change: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: change,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
  })
}

/** Adds a remote backend; refused (a problem on `url`) when its certificate is not trusted, it is not Limena, or it does not answer. */
export const useAddConnection = () => useListChange((input: NewConnection) => call('addConnection', input))

/** Renames or moves a remote backend; a new address ends the session stored for it. */
export const useUpdateConnection = () => useListChange((input: ChangedConnection) => call('updateConnection', input))

export const useRemoveConnection = () => useListChange((id: string) => call('removeConnection', { id }))

/** Makes a connection the active one: the answer is the session status on it (signed in when its session was kept). */
export const useSelectConnection = () => useListChange((id: string) => call('selectConnection', { id }))

/** Whether a backend answers at a URL, and if not, why in words. Changes nothing. */
export const useTestConnection = () => useMutation({ mutationFn: (url: string) => call('testConnection', { url }) })
