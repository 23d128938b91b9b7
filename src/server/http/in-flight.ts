/**
 * @module in-flight
 * Counts request handlers that are still working. Shutdown waits for them (bounded) before it
 * ends the database pools: a socket dropped by a forced close ends the response, not the handler.
 */
export interface InFlightTracker {
  begin(): () => void
  drained(timeoutMillis: number): Promise<void>
  readonly count: number
}

export function createInFlightTracker(): InFlightTracker {
  let count = 0
  let waiters: Array<() => void> = []
  return {
    begin() {
      count += 1
      let ended = false
      return () => {
        if (ended) return
        ended = true
        count -= 1
        if (count === 0) {
          for (const wake of waiters) wake()
          waiters = []
        }
      }
    },
    drained(timeoutMillis) {
      if (count === 0) return Promise.resolve()
      return new Promise((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, timeoutMillis).unref()
      })
    },
    get count() {
      return count
    },
  }
}
