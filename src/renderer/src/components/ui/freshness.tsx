import { useEffect, useState } from 'react'

const minute = 60_000

function ago(updatedAt: number, now: number): string {
  const elapsed = Math.max(0, now - updatedAt)
  if (elapsed < minute) return 'just now'
  const minutes = Math.floor(elapsed / minute)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  return `${hours} h ${minutes % 60} min ago`
}

/**
 * When a list was last read from the backend, and a button to read it again: a list that does
 * not refresh by itself must not look live.
 */
export function Freshness({ updatedAt, fetching, onRefresh }: { updatedAt: number; fetching: boolean; onRefresh: () => void }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(timer)
  }, [])
  if (!updatedAt) return null
  return (
    <span className="freshness">
      <span className="muted" title={new Date(updatedAt).toISOString()}>
        Updated {ago(updatedAt, Math.max(now, updatedAt))}
      </span>
      <button type="button" onClick={onRefresh} disabled={fetching}>
        {fetching ? 'Refreshing…' : 'Refresh'}
      </button>
    </span>
  )
}
