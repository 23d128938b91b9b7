import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { call, problemOf } from './bridge'

/** Seconds between probes while the backend does not answer: quick at first, then every 3 s. */
export const probeDelays = [1, 2, 3] as const
export const probeDelayAfter = (failedProbes: number): number => probeDelays[Math.min(failedProbes, probeDelays.length - 1)]!

export interface ConnectionHealth {
  lost: boolean
  /** Whole seconds until the next probe while lost (0: probing now), else null. */
  retryIn: number | null
  retryNow: () => void
}

/**
 * Whether the backend answers. A query failing with 503 (main could not reach the backend) marks
 * the connection lost; from then on the health endpoint is probed with backoff until it answers,
 * which clears the state by itself and reloads what had failed. Any successful query clears it too.
 */
export function useConnectionHealth(): ConnectionHealth {
  const queryClient = useQueryClient()
  const [lost, setLost] = useState(false)
  const [nextProbeAt, setNextProbeAt] = useState<number | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const failedProbes = useRef(0)
  const probing = useRef(false)

  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated') return
        const state = event.query.state
        if (state.status === 'error' && problemOf(state.error)?.status === 503) {
          setLost(true)
          setNextProbeAt((current) => current ?? Date.now() + probeDelayAfter(failedProbes.current) * 1000)
        } else if (state.status === 'success' && event.action.type === 'success') {
          setLost(false)
          setNextProbeAt(null)
          failedProbes.current = 0
        }
      }),
    [queryClient],
  )

  useEffect(() => {
    if (!lost) return
    const timer = setInterval(() => {
      const time = Date.now()
      setNow(time)
      if (probing.current || nextProbeAt === null || time < nextProbeAt) return
      probing.current = true
      void call('health', {})
        .then(
          () => {
            setLost(false)
            setNextProbeAt(null)
            failedProbes.current = 0
            void queryClient.refetchQueries({ type: 'active', predicate: (query) => query.state.status === 'error' })
          },
          () => {
            failedProbes.current += 1
            setNextProbeAt(Date.now() + probeDelayAfter(failedProbes.current) * 1000)
          },
        )
        .finally(() => {
          probing.current = false
        })
    }, 250)
    return () => clearInterval(timer)
  }, [lost, nextProbeAt, queryClient])

  const retryNow = useCallback(() => {
    failedProbes.current = 0
    setNextProbeAt(Date.now())
  }, [])
  const retryIn = lost && nextProbeAt !== null ? Math.max(0, Math.ceil((nextProbeAt - now) / 1000)) : null
  return { lost, retryIn, retryNow }
}
