/**
 * "Manage connections…" beside the sign-in screen's connection picker: the connections manager in
 * a dialog. A connection added there can be chosen at once ("Use this connection" closes the
 * dialog, and the picker shows it).
 */
import { useState } from 'react'
import { Dialog } from '@renderer/components/ui/dialog'
import { ConnectionsManager, type ConnectionsChange } from './connections-manager'

export function ManageConnectionsButton({ onChanged }: { onChanged: (change: ConnectionsChange) => void }) {
  const [open, setOpen] = useState(false)
  const close = () => setOpen(false)
  return (
    <>
      <button type="button" className="manage-connections" onClick={() => setOpen(true)}>
        Manage connections…
      </button>
      {open && (
        <ConnectionsManager
          signedIn={false}
          onChanged={onChanged}
          onSelected={close}
          frame={(list) => (
            <Dialog open title="Connections" onClose={close}>
              {list}
              <div className="actions">
                <button type="button" onClick={close}>
                  Close
                </button>
              </div>
            </Dialog>
          )}
        />
      )}
    </>
  )
}
