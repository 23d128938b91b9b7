/**
 * @module tenant-view
 * How the console sees a tenant, decided in this one place: through membership (the tenant
 * routes, acting with the role the signed-in user holds there) when the user is a member, else
 * as a platform operator (the operator routes: read only, each read with an access reason), else
 * not at all. So an operator who is also a member reads their own tenant as a member: no reason
 * is asked and no operator.read row is written. Without a tenant, the view is the cross-tenant
 * one: an operator's, or nobody's.
 */
import { createContext, createElement, useContext, useMemo, type ReactNode } from 'react'
import type { SessionStatus } from '@shared/bridge'
import { roleAllows, type TenantAction, type TenantRole } from '@shared/permissions'

/** Who is looking: their memberships, whether they are a platform operator, and how their session was opened. */
export interface Viewer {
  platformOperator: boolean
  memberships: ReadonlyArray<{ tenantId: string; role: TenantRole }>
  /** Password, invitation, or single sign-on (which provider); null when not known. */
  sessionOrigin?: SessionStatus['origin']
}

export const nobody: Viewer = { platformOperator: false, memberships: [] }

/** The viewer of the session main reports (`sessionStatus`). */
export function viewerOf(
  status: (Pick<SessionStatus, 'user' | 'memberships'> & Partial<Pick<SessionStatus, 'origin'>>) | undefined,
): Viewer {
  if (!status) return nobody
  return {
    platformOperator: status.user?.isPlatformAdmin === true,
    memberships: status.memberships,
    ...(status.origin ? { sessionOrigin: status.origin } : {}),
  }
}

interface ViewCommon {
  /** The tenant seen, or null for the cross-tenant view. */
  tenantId: string | null
  /** May make operator writes (quota resets), each with its own reason, whatever the view. */
  platformOperator: boolean
  /** What the viewer may do in this tenant through the tenant routes (the permission matrix). */
  can(action: TenantAction): boolean
}

export type TenantView =
  | (ViewCommon & { via: 'member'; tenantId: string; role: TenantRole })
  | (ViewCommon & { via: 'operator'; role: null; platformOperator: true })
  | (ViewCommon & { via: 'none'; role: null; platformOperator: false })

const nothing = (): boolean => false

export function tenantViewOf(viewer: Viewer, tenantId?: string | null): TenantView {
  const membership = tenantId ? viewer.memberships.find((candidate) => candidate.tenantId === tenantId) : undefined
  if (tenantId && membership) {
    const role = membership.role
    return { via: 'member', tenantId, role, platformOperator: viewer.platformOperator, can: (action) => roleAllows(role, action) }
  }
  if (viewer.platformOperator) return { via: 'operator', tenantId: tenantId ?? null, role: null, platformOperator: true, can: nothing }
  return { via: 'none', tenantId: tenantId ?? null, role: null, platformOperator: false, can: nothing }
}

const ViewerContext = createContext<Viewer | null>(null)

/** Provided by the app from the session status; every tenant view is derived from it. */
export function ViewerProvider({ viewer, children }: { viewer: Viewer; children?: ReactNode }) {
  return createElement(ViewerContext.Provider, { value: viewer }, children)
}

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext)
  if (!viewer) throw new Error('useViewer outside ViewerProvider')
  return viewer
}

/** How the signed-in user sees `tenantId` (or, without one, tenants in general). */
export function useTenantView(tenantId?: string | null): TenantView {
  const viewer = useViewer()
  return useMemo(() => tenantViewOf(viewer, tenantId), [viewer, tenantId])
}
