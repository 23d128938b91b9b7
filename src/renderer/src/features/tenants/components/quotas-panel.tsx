import { useState } from 'react'
import type { Quotas } from '@shared/contract'
import { Banner } from '@renderer/components/ui/states'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { problemOf } from '@renderer/lib/bridge'
import { formatCompact, formatDateTime, formatNumber } from '@renderer/lib/format'
import { useResetQuota } from '../api/tenant-queries'
import { QuotaEditor } from './quota-editor'
import { QuotaStateBadge } from './quota-state-badge'

/** The fail-soft words for a tripped quota: what happened, and when it resets. */
export function QuotaBanner({ quotas }: { quotas: Quotas }) {
  if (quotas.state === 'ok') return null
  return (
    <Banner
      tone="warning"
      title={quotas.state === 'ceiling_reached' ? 'AI paused: monthly token ceiling reached.' : 'AI paused: hourly call cap reached.'}
    >
      {quotas.explanation} Resets {formatDateTime(quotas.state === 'ceiling_reached' ? quotas.month.resetsAt : quotas.hour.resetsAt)}.
    </Banner>
  )
}

/** `canReset`: a platform operator may clear a tripped quota (an operator write, with its own reason). */
export function QuotasPanel({ tenantId, quotas, canReset }: { tenantId: string; quotas: Quotas; canReset: boolean }) {
  const reset = useResetQuota(tenantId)
  const [reason, setReason] = useState('')
  const error = problemOf(reset.error)
  return (
    <div className="panel">
      <p>
        <QuotaStateBadge state={quotas.state} /> {quotas.explanation}
      </p>
      <div className="quota-grid">
        <div className="card">
          <h2>Calls this hour {quotas.binding === 'velocity' && <span className="badge">binds</span>}</h2>
          <meter min={0} max={Math.max(1, quotas.velocityPerHour)} value={quotas.hour.calls} />
          <p>
            {formatNumber(quotas.hour.calls)} of {formatNumber(quotas.velocityPerHour)} · {formatNumber(quotas.hour.remaining)} left ·
            resets {formatDateTime(quotas.hour.resetsAt)}
          </p>
        </div>
        <div className="card">
          <h2>Tokens this month {quotas.binding === 'monthly_ceiling' && <span className="badge">binds</span>}</h2>
          <meter min={0} max={Math.max(1, quotas.monthlyTokenCeiling)} low={quotas.monthlyTokenCeiling * 0.8} value={quotas.month.tokens} />
          <p>
            {formatCompact(quotas.month.tokens)} of {formatCompact(quotas.monthlyTokenCeiling)} · {formatCompact(quotas.month.remaining)}{' '}
            left · resets {formatDateTime(quotas.month.resetsAt)}
          </p>
          <p className="muted">
            Recent rate {formatCompact(quotas.forecast.tokensPerDay)} tokens a day
            {quotas.forecast.ceilingReachedAt
              ? quotas.state === 'ceiling_reached'
                ? ` · ceiling reached ${formatDateTime(quotas.forecast.ceilingReachedAt)}`
                : ` · ceiling reached around ${formatDateTime(quotas.forecast.ceilingReachedAt)} at this rate`
              : ''}
          </p>
        </div>
      </div>
      {canReset && quotas.state !== 'ok' && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault()
            reset.mutate({ kind: quotas.state === 'ceiling_reached' ? 'monthly_ceiling' : 'velocity', reason })
          }}
        >
          <label>
            Reason for the reset
            <input
              required
              minLength={3}
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              placeholder="SUP-77 approved one-off burst"
            />
          </label>
          <button type="submit" className="primary" disabled={reset.isPending || reason.trim().length < 3}>
            Reset quota
          </button>
        </form>
      )}
      <ProblemMessage problem={error} />
      {canReset && (
        <>
          <h2>Change caps</h2>
          <QuotaEditor tenantId={tenantId} quotas={quotas} />
        </>
      )}
      <h2>Trips</h2>
      {quotas.trips.length === 0 ? (
        <p className="muted">No trips recorded.</p>
      ) : (
        <ul className="timeline">
          {quotas.trips.map((trip) => (
            <li key={trip.id}>
              <strong>{trip.kind === 'velocity' ? 'Velocity cap' : 'Monthly ceiling'}</strong> tripped {formatDateTime(trip.trippedAt)}
              {trip.resetAt
                ? ` · reset ${formatDateTime(trip.resetAt)} by ${trip.resetByName ?? 'an operator'}: ${trip.resetReason ?? ''}`
                : ` · resets ${formatDateTime(trip.resetsAt)}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
