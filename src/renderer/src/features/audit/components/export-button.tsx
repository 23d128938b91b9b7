import { useEffect, useState } from 'react'
import { Dialog } from '@renderer/components/ui/dialog'
import { call, onBridgeEvent, problemOf } from '@renderer/lib/bridge'
import { formatNumber } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import { auditReasonScope, stripEmpty, type AuditFilterValues } from '../api/audit-queries'

/**
 * CSV export through the native save dialog, with live rows/bytes and a cancel button. A member
 * exports their tenant without a reason (main then takes the tenant route); an operator's export
 * carries the reason (main takes the operator route).
 */
export function ExportButton({ filters }: { filters: AuditFilterValues }) {
  const view = useTenantView(filters.tenantId)
  const operatorCall = useOperatorCall()
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<{ exportId: string; rows: number; bytes: number } | null>(null)
  const [result, setResult] = useState<string | null>(null)
  useEffect(
    () => onBridgeEvent('export-progress', (event) => setProgress({ exportId: event.exportId, rows: event.rows, bytes: event.bytes })),
    [],
  )
  const start = async () => {
    setRunning(true)
    setProgress(null)
    setResult(null)
    try {
      const input = stripEmpty(filters)
      const outcome =
        view.via === 'operator'
          ? await operatorCall('exportAuditCsv', input, { scope: auditReasonScope(filters), what: 'audit logs for export' })
          : await call('exportAuditCsv', input)
      setResult(
        outcome.outcome === 'done'
          ? `Exported ${formatNumber(outcome.rows)} events to ${outcome.path}.`
          : 'Export cancelled; no file was left behind.',
      )
    } catch (error) {
      setResult(problemOf(error)?.detail ?? 'The export failed.')
    } finally {
      setRunning(false)
    }
  }
  return (
    <>
      <button type="button" onClick={() => void start()} disabled={running}>
        Export CSV
      </button>
      <Dialog open={running || result !== null} title="Export audit log" onClose={() => setResult(null)} canClose={!running}>
        {running ? (
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
        ) : (
          <>
            <p role="status">{result}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => setResult(null)}>
                Close
              </button>
            </div>
          </>
        )}
      </Dialog>
    </>
  )
}
