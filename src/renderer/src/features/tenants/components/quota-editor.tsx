import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { Quotas } from '@shared/contract'
import { previewQuotaChange } from '@shared/quota-state'
import { Dialog } from '@renderer/components/ui/dialog'
import { ProblemMessage } from '@renderer/components/ui/problem-message'
import { ErrorState, Loading } from '@renderer/components/ui/states'
import { useAccessReasons } from '@renderer/lib/access-reasons'
import { problemOf } from '@renderer/lib/bridge'
import { formatCompact, formatNumber } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useSetQuotas } from '../api/quota-queries'
import { operatorDetailQuery } from '../api/tenant-queries'

/** What saving these caps would do now, in words: the operator sees the effect before saving. */
function previewWords(quotas: Quotas, velocityPerHour: number, monthlyTokenCeiling: number): string {
  const preview = previewQuotaChange(quotas, { velocityPerHour, monthlyTokenCeiling })
  const left = `${formatNumber(preview.callsLeftThisHour)} calls left this hour, ${formatCompact(preview.tokensLeftThisMonth)} tokens left this month`
  if (preview.liftsTrip) return `This lifts the trip: AI calls are accepted again at once; ${left}.`
  if (preview.tripsNow)
    return `This trips the ${preview.state === 'ceiling_reached' ? 'monthly ceiling' : 'hourly cap'} at once: AI calls are refused until it resets or is raised.`
  if (preview.state !== 'ok') return `The tenant stays over its ${preview.state === 'ceiling_reached' ? 'monthly ceiling' : 'hourly cap'}.`
  return `Within limits: ${left}.`
}

/** The caps form with its live preview and the reason for the change. */
export function QuotaEditor({ tenantId, quotas, onDone }: { tenantId: string; quotas: Quotas; onDone?: () => void }) {
  const { reasonFor } = useAccessReasons()
  const [velocity, setVelocity] = useState(String(quotas.velocityPerHour))
  const [ceiling, setCeiling] = useState(String(quotas.monthlyTokenCeiling))
  const [reason, setReason] = useState(() => reasonFor(tenantId) ?? '')
  const save = useSetQuotas(tenantId, onDone)
  const velocityValue = Number(velocity)
  const ceilingValue = Number(ceiling)
  const valid =
    velocity !== '' &&
    ceiling !== '' &&
    Number.isInteger(velocityValue) &&
    Number.isInteger(ceilingValue) &&
    velocityValue >= 0 &&
    ceilingValue >= 0
  const unchanged = velocityValue === quotas.velocityPerHour && ceilingValue === quotas.monthlyTokenCeiling
  return (
    <form
      className="quota-editor"
      aria-label="Change AI quota caps"
      onSubmit={(event) => {
        event.preventDefault()
        if (valid && !unchanged) save.mutate({ velocityPerHour: velocityValue, monthlyTokenCeiling: ceilingValue, reason: reason.trim() })
      }}
    >
      <div className="inline-form">
        <label>
          Calls per hour
          <input type="number" min={0} step={1} required value={velocity} onChange={(event) => setVelocity(event.target.value)} />
        </label>
        <label>
          Tokens per month
          <input type="number" min={0} step={1} required value={ceiling} onChange={(event) => setCeiling(event.target.value)} />
        </label>
        <label>
          Reason for the change
          <input required minLength={3} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
        </label>
      </div>
      <p role="status" className="muted">
        {valid
          ? unchanged
            ? 'These are the current caps.'
            : previewWords(quotas, velocityValue, ceilingValue)
          : 'Caps are whole numbers, 0 or more.'}
      </p>
      <ProblemMessage problem={problemOf(save.error)} />
      {save.isSuccess && <p role="status">Quota caps saved.</p>}
      <button type="submit" className="primary" disabled={!valid || unchanged || reason.trim().length < 3 || save.isPending}>
        {save.isPending ? 'Saving…' : 'Save caps'}
      </button>
    </form>
  )
}

/**
 * "Change caps" for a tenant seen from elsewhere (the usage page's near-ceiling table): reads the
 * tenant's quotas (asking the reason for that tenant), then the same editor in a dialog.
 */
export function ChangeQuotaButton({ tenantId, tenantName, onSaved }: { tenantId: string; tenantName: string; onSaved?: () => void }) {
  const [open, setOpen] = useState(false)
  const [saved, setSaved] = useState(false)
  const operatorCall = useOperatorCall()
  // The list this button sits in is read again on closing, not on saving: the row (and this dialog) may leave it.
  const close = () => {
    setOpen(false)
    if (saved) {
      setSaved(false)
      onSaved?.()
    }
  }
  const detail = useQuery({ ...operatorDetailQuery(tenantId, operatorCall), enabled: open })
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label={`Change caps of ${tenantName}`}>
        Change caps
      </button>
      <Dialog open={open} title={`AI quota caps of ${tenantName}`} onClose={close}>
        {detail.isPending && <Loading label="Reading the tenant's quotas…" />}
        {detail.isError && <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />}
        {detail.data && (
          <>
            <p>{detail.data.quotas.explanation}</p>
            <QuotaEditor tenantId={tenantId} quotas={detail.data.quotas} onDone={() => setSaved(true)} />
          </>
        )}
        <div className="actions">
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </Dialog>
    </>
  )
}
