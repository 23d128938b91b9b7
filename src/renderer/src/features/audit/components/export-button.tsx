import { useEffect, useState } from 'react'
import { Dialog } from '@renderer/components/ui/dialog'
import { call, onBridgeEvent, problemOf } from '@renderer/lib/bridge'
import { formatNumber } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import { auditReasonScope, type AuditFilterValues } from '../api/audit-queries'

type Step = { name: 'closed' } | { name: 'confirm' } | { name: 'running' } | { name: 'result'; text: string; ok: boolean }

/**
 * CSV export of exactly what the list shows: `filters` are the list's own, with the time bounds
 * the list was read with. The dialog says that filter in words (`description`) and waits for a
 * confirmation before the native save dialog; then live rows/bytes and a cancel button. A member
 * exports their tenant without a reason (main then takes the tenant route); an operator's export
 * carries the reason the list was read with (main takes the operator route).
 */
export function ExportButton({
  filters,
  description,
  disabled,
}: {
  /** null while the list has not loaded (nothing to export yet). */
  filters: AuditFilterValues | null
  description: string
  disabled?: boolean
}) {
  const view = useTenantView(filters?.tenantId)
  const operatorCall = useOperatorCall()
  const [step, setStep] = useState<Step>({ name: 'closed' })
  const [progress, setProgress] = useState<{ exportId: string; rows: number; bytes: number } | null>(null)
  useEffect(
    () => onBridgeEvent('export-progress', (event) => setProgress({ exportId: event.exportId, rows: event.rows, bytes: event.bytes })),
    [],
  )
  const start = async () => {
    if (!filters) return
    setStep({ name: 'running' })
    setProgress(null)
    try {
      const outcome =
        view.via === 'operator'
          ? await operatorCall('exportAuditCsv', filters, { scope: auditReasonScope(filters), what: 'audit logs for export' })
          : await call('exportAuditCsv', filters)
      setStep(
        outcome.outcome === 'done'
          ? { name: 'result', ok: true, text: `Exported ${formatNumber(outcome.rows)} events to ${outcome.path}.` }
          : { name: 'result', ok: true, text: 'Export cancelled; no file was left behind.' },
      )
    } catch (error) {
      setStep({ name: 'result', ok: false, text: problemOf(error)?.detail ?? 'The export failed.' })
    }
  }
  const close = () => setStep({ name: 'closed' })
  return (
    <>
      <button type="button" onClick={() => setStep({ name: 'confirm' })} disabled={disabled || !filters || step.name === 'running'}>
        Export CSV
      </button>
      <Dialog open={step.name !== 'closed'} title="Export audit log" onClose={close} canClose={step.name !== 'running'}>
        {step.name === 'confirm' && (
          <>
            <p>The file will hold exactly the events listed:</p>
            <p className="export-summary" data-testid="export-summary">
              <strong>{description}</strong>
            </p>
            <p className="muted">
              Read with these bounds, so events written meanwhile are not in it. Times in the file are in UTC (ISO 8601), whatever the
              console shows.
            </p>
            <div className="actions">
              <button type="button" onClick={close}>
                Cancel
              </button>
              <button type="button" className="primary" autoFocus onClick={() => void start()}>
                Save CSV…
              </button>
            </div>
          </>
        )}
        {step.name === 'running' && (
          <>
            <progress aria-label="Export progress" max={progress ? undefined : 1} value={progress ? undefined : 0} />
            <p aria-live="polite">
              {progress
                ? `${formatNumber(progress.rows)} events, ${formatNumber(Math.round(progress.bytes / 1024))} KB written…`
                : 'Choose where to save…'}
            </p>
            <div className="actions">
              <button
                type="button"
                className="danger"
                disabled={!progress}
                onClick={() => progress && void call('cancelExport', { exportId: progress.exportId })}
              >
                Cancel export
              </button>
            </div>
          </>
        )}
        {step.name === 'result' && (
          <>
            <p role={step.ok ? 'status' : 'alert'}>{step.text}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={close}>
                Close
              </button>
            </div>
          </>
        )}
      </Dialog>
    </>
  )
}
