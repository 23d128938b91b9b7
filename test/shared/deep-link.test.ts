/** Links to a console view: only an in-app route ever comes out of one. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deepLinkRouteIn, deepLinkTo, routeOfDeepLink } from '../../src/shared/deep-link'

describe('deep links', () => {
  it('round-trips a view with its filters', () => {
    const route = '/audit?tenantId=11111111-1111-4111-8111-111111111111&action=auth.*&range=7d&event=42'
    expect(deepLinkTo(route)).toBe(`limena://open${route}`)
    expect(routeOfDeepLink(deepLinkTo(route))).toBe(route)
    expect(routeOfDeepLink(deepLinkTo('/tenants/acme?tab=audit&q=caf%C3%A9'))).toBe('/tenants/acme?tab=audit&q=caf%C3%A9')
  })

  it('refuses anything that is not an in-app route', () => {
    for (const link of [
      'https://example.com/audit',
      'limena://evil.example/audit',
      'limena://open',
      'limena://open//example.com/x',
      'limena://open/../etc/passwd',
      'limena://open/audit#x',
      'limena://open/javascript:alert(1)',
      'limena://open/audit?q=<script>',
      `limena://open/${'a'.repeat(2100)}`,
    ])
      expect(routeOfDeepLink(link), link).toBeNull()
  })

  it('never yields a route that leaves the app, whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const route = routeOfDeepLink(`limena://open${text}`)
        if (route !== null) {
          expect(route.startsWith('/')).toBe(true)
          expect(route.startsWith('//')).toBe(false)
          expect(route).not.toMatch(/[#<>"\s\\]/)
        }
      }),
    )
  })

  it('finds the link among the arguments of a second launch', () => {
    expect(deepLinkRouteIn(['/usr/bin/limena-console', '--flag', 'limena://open/posture'])).toBe('/posture')
    expect(deepLinkRouteIn(['/usr/bin/limena-console'])).toBeNull()
  })
})
