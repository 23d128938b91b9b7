/**
 * The renderer's one member-or-operator decision (src/renderer/src/lib/tenant-view.ts): how a
 * tenant is read, with which role, and what the viewer may do there. The hook is run in a real
 * React render (react-dom/server: no DOM needed) under the provider the app mounts.
 */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { permissionMatrix, roleAllows, tenantRoles, type TenantAction } from '@shared/permissions'
import {
  nobody,
  tenantViewOf,
  useTenantView,
  viewerOf,
  ViewerProvider,
  type TenantView,
  type Viewer,
} from '../../src/renderer/src/lib/tenant-view'

const ownTenant = '11111111-1111-4111-8111-111111111111'
const otherTenant = '22222222-2222-4222-8222-222222222222'
const actions = Object.keys(permissionMatrix) as TenantAction[]

const operatorMember: Viewer = { platformOperator: true, memberships: [{ tenantId: ownTenant, role: 'admin' }] }
const plainMember: Viewer = { platformOperator: false, memberships: [{ tenantId: ownTenant, role: 'viewer' }] }
const operatorOnly: Viewer = { platformOperator: true, memberships: [] }

/** Runs useTenantView in a render under ViewerProvider and returns what it gave. */
function renderTenantView(viewer: Viewer, tenantId?: string): TenantView {
  let seen: TenantView | undefined
  function Probe() {
    seen = useTenantView(tenantId)
    return null
  }
  renderToStaticMarkup(createElement(ViewerProvider, { viewer }, createElement(Probe)))
  return seen!
}

describe('tenantViewOf', () => {
  it('reads an operator’s own tenant through membership, with the role held and its permissions', () => {
    const view = tenantViewOf(operatorMember, ownTenant)
    expect(view).toMatchObject({ via: 'member', tenantId: ownTenant, role: 'admin', platformOperator: true })
    for (const action of actions) expect(view.can(action), action).toBe(roleAllows('admin', action))
  })

  it('reads any other tenant as an operator: read only through the tenant routes', () => {
    const view = tenantViewOf(operatorMember, otherTenant)
    expect(view).toMatchObject({ via: 'operator', tenantId: otherTenant, role: null, platformOperator: true })
    for (const action of actions) expect(view.can(action), action).toBe(false)
    expect(tenantViewOf(operatorOnly, ownTenant).via).toBe('operator')
  })

  it('gives a member who is no operator their role, and nothing at all elsewhere', () => {
    expect(tenantViewOf(plainMember, ownTenant)).toMatchObject({ via: 'member', role: 'viewer', platformOperator: false })
    expect(tenantViewOf(plainMember, ownTenant).can('audit:read')).toBe(false)
    expect(tenantViewOf(plainMember, ownTenant).can('tenant:read')).toBe(true)
    const stranger = tenantViewOf(plainMember, otherTenant)
    expect(stranger).toMatchObject({ via: 'none', role: null, platformOperator: false })
    for (const action of actions) expect(stranger.can(action)).toBe(false)
  })

  it('every role gets exactly what the permission matrix allows it', () => {
    for (const role of tenantRoles) {
      const view = tenantViewOf({ platformOperator: false, memberships: [{ tenantId: ownTenant, role }] }, ownTenant)
      expect(actions.filter((action) => view.can(action))).toEqual(actions.filter((action) => roleAllows(role, action)))
    }
  })

  it('sees tenants in general (no tenant) as an operator, or as nobody', () => {
    expect(tenantViewOf(operatorMember)).toMatchObject({ via: 'operator', tenantId: null })
    expect(tenantViewOf(plainMember)).toMatchObject({ via: 'none', tenantId: null })
    expect(tenantViewOf(plainMember, null).via).toBe('none')
  })
})

describe('viewerOf', () => {
  it('takes the operator flag and the memberships from the session status', () => {
    const status = {
      user: { id: '33333333-3333-4333-8333-333333333333', email: 'op@example.test', isPlatformAdmin: true },
      memberships: [{ tenantId: ownTenant, tenantSlug: 'own', role: 'owner' as const }],
    }
    expect(viewerOf(status)).toEqual({ platformOperator: true, memberships: status.memberships })
    expect(viewerOf({ ...status, user: { ...status.user, isPlatformAdmin: false } }).platformOperator).toBe(false)
    expect(viewerOf({ user: null, memberships: [] })).toEqual(nobody)
    expect(viewerOf(undefined)).toEqual(nobody)
  })
})

describe('useTenantView', () => {
  it('gives a page the view of its tenant from the viewer the app provides', () => {
    expect(renderTenantView(operatorMember, ownTenant)).toMatchObject({ via: 'member', role: 'admin' })
    expect(renderTenantView(operatorMember, otherTenant)).toMatchObject({ via: 'operator', role: null })
    expect(renderTenantView(plainMember)).toMatchObject({ via: 'none' })
  })

  it('refuses to guess outside the provider', () => {
    function Orphan() {
      useTenantView(ownTenant)
      return null
    }
    expect(() => renderToStaticMarkup(createElement(Orphan))).toThrow('useViewer outside ViewerProvider')
  })
})
