import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { problemOf } from './bridge'

/** True while requests fail because the backend is unreachable (503); false again after any success. */
export function useConnectionLost(): boolean {
  const queryClient = useQueryClient()
  const [lost, setLost] = useState(false)
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated') return
        const state = event.query.state
        if (state.status === 'error' && problemOf(state.error)?.status === 503) setLost(true)
        else if (state.status === 'success' && event.action.type === 'success') setLost(false)
      }),
    [queryClient],
  )
  return lost
}
