/**
 * Settings → Connections (`#/settings/connections`): the connections manager as a page of the
 * signed-in console.
 */
import { ConnectionsManager, type ConnectionsChange } from './connections-manager'

export function ConnectionsPage({ onChanged }: { onChanged: (change: ConnectionsChange) => void }) {
  return (
    <section className="page connections-page">
      <header className="page-header">
        <h1>Connections</h1>
      </header>
      <ConnectionsManager signedIn onChanged={onChanged} />
    </section>
  )
}
