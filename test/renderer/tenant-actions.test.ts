/**
 * The renderer side of acting on tenants, without a browser: the slug suggested from a new
 * tenant's name obeys the contract's slug rule; a tenant's pending invitations live under its
 * detail keys (so inviting someone, which invalidates the tenant, lists the invitation); the
 * operator directory leaves out deleted tenants and carries each one's suspension; the question
 * of a confirmation takes focus when nothing is to be typed, the typed field when something is,
 * and the button that acts is disabled until the right text is typed.
 */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, describe, expect, it } from 'vitest'
import { operations } from '@shared/contract'
import { ConfirmDialog } from '../../src/renderer/src/components/ui/confirm-dialog'
import { directoryQuery, tenantKeys } from '../../src/renderer/src/features/tenants/api/tenant-queries'
import { tenantInvitationsQuery } from '../../src/renderer/src/features/tenants/api/tenant-invitation-queries'
import { slugFromName } from '../../src/renderer/src/features/tenants/components/create-tenant'
import type { OperatorCall } from '../../src/renderer/src/lib/operator-call'
import { installFakeBridge, type FakeBridge } from './fake-bridge'

const tenantId = '11111111-1111-4111-8111-111111111111'
const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) => prefix.every((part, index) => Object.is(key[index], part))

let bridge: FakeBridge | null = null
afterEach(() => bridge?.uninstall())

describe('the slug suggested from a name', () => {
  it.each([
    ['Northwind Freight', 'northwind-freight'],
    ['Café Nord GmbH', 'cafe-nord-gmbh'],
    ['  --ACME & Sons, Ltd.--  ', 'acme-sons-ltd'],
    ['Ünïcödé 2026', 'unicode-2026'],
    ['a'.repeat(70), 'a'.repeat(63)],
    [`${'b'.repeat(62)} c`, 'b'.repeat(62)],
  ])('%s → %s, a slug the contract accepts', (name, slug) => {
    expect(slugFromName(name)).toBe(slug)
    expect(operations.adminCreateTenant.input.shape.slug.safeParse(slug).success).toBe(true)
  })

  it('is empty when the name has no letter or digit (the form then asks for one)', () => {
    expect(slugFromName('—?!')).toBe('')
  })
})

describe('tenant keys', () => {
  it('keep a tenant’s pending invitations under its details, and the caller’s own tenants under all', () => {
    expect(startsWith(tenantKeys.invitations(tenantId), tenantKeys.detailsOf(tenantId))).toBe(true)
    expect(tenantInvitationsQuery(tenantId).queryKey).toEqual(tenantKeys.invitations(tenantId))
    expect(startsWith(tenantKeys.mine(), tenantKeys.all)).toBe(true)
    // Not a detail of any tenant: a tenant's change does not read the whole list again.
    expect(startsWith(tenantKeys.mine(), [...tenantKeys.all, 'detail'])).toBe(false)
  })
})

describe('the operator directory', () => {
  it('leaves out deleted tenants and says which are suspended', async () => {
    const row = (id: string, deletedAt: string | null, suspendedAt: string | null) => ({
      id,
      name: `tenant ${id.slice(0, 1)}`,
      slug: `t-${id.slice(0, 1)}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      deletedAt,
      suspendedAt,
      memberCount: 1,
      monthTokens: 0,
      monthlyTokenCeiling: 1,
      hourCalls: 0,
      velocityPerHour: 1,
      state: 'ok',
    })
    const live = '11111111-1111-4111-8111-111111111111'
    const suspended = '22222222-2222-4222-8222-222222222222'
    const deleted = '33333333-3333-4333-8333-333333333333'
    const operatorCall = (async () => ({
      items: [row(live, null, null), row(suspended, null, '2026-02-01T00:00:00.000Z'), row(deleted, '2026-03-01T00:00:00.000Z', null)],
      nextCursor: null,
    })) as unknown as OperatorCall
    const queryFn = directoryQuery('', operatorCall).queryFn as unknown as (context: { pageParam: null }) => Promise<{
      items: Array<{ id: string; suspendedAt: string | null }>
    }>
    const page = await queryFn({ pageParam: null })
    expect(page.items.map((item) => [item.id, item.suspendedAt])).toEqual([
      [live, null],
      [suspended, '2026-02-01T00:00:00.000Z'],
    ])
  })

  it('gives a member their own tenants with the suspension the tenant routes report', async () => {
    bridge = installFakeBridge({
      listTenants: {
        items: [
          { id: tenantId, name: 'Own', slug: 'own', createdAt: '', updatedAt: '', suspendedAt: '2026-02-01T00:00:00.000Z', role: 'owner' },
        ],
      },
    })
    const queryFn = directoryQuery('', null).queryFn as unknown as (context: { pageParam: null }) => Promise<{
      items: Array<{ id: string; suspendedAt: string | null }>
    }>
    expect((await queryFn({ pageParam: null })).items).toMatchObject([{ id: tenantId, suspendedAt: '2026-02-01T00:00:00.000Z' }])
  })
})

describe('the confirmation dialog', () => {
  const render = (typeToConfirm?: string) =>
    renderToStaticMarkup(
      createElement(ConfirmDialog, {
        title: 'Remove alice@example.com from this tenant?',
        confirmLabel: 'Remove member',
        typeToConfirm,
        onConfirm: () => undefined,
        onCancel: () => undefined,
        children: createElement('p', null, 'They lose access at once.'),
      }),
    )

  it('puts focus on the question when nothing is to be typed, never on a button', () => {
    const html = render()
    expect(html).toMatch(/<div class="confirm-question" tabindex="-1" data-autofocus="true"><p>They lose access at once.<\/p><\/div>/)
    expect(html).not.toMatch(/<button[^>]*data-autofocus/)
    expect(html).toMatch(/<button type="submit" class="danger">Remove member<\/button>/)
  })

  it('puts focus on the field to type into, and keeps the button disabled until it holds the exact text', () => {
    const html = render('harbor')
    expect(html).toMatch(/Type <strong>harbor<\/strong> to confirm/)
    expect(html).toMatch(/<input data-autofocus="true"[^>]* value=""\/>/)
    expect(html).toMatch(/<button type="submit" class="danger" disabled="">Remove member<\/button>/)
  })
})
