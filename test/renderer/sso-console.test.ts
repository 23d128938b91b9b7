/**
 * What the console says about single sign-on and sessions, as plain functions: the guidance for
 * each check a refused sign-on names (every check has its own), what the one sign-in field holds,
 * the domains an owner types, a session's device from its user agent, and how it was opened.
 */
import { describe, expect, it } from 'vitest'
import { problemTypes, ssoChecks } from '../../src/shared/problem.js'
import { describeOrigin, issuerHost } from '../../src/renderer/src/features/account/model/session-origin'
import { describeUserAgent } from '../../src/renderer/src/features/account/model/user-agent'
import { describeSsoProblem, ssoCheckGuidance, ssoTargetOf } from '../../src/renderer/src/features/session/model/sso-problem'
import { hostOf, parseDomains } from '../../src/renderer/src/features/tenants/model/sso-settings'

const tenantId = '11111111-1111-4111-8111-111111111111'

describe('a refused single sign-on, in words', () => {
  it('has guidance for every check, each its own', () => {
    expect(Object.keys(ssoCheckGuidance).sort()).toEqual([...ssoChecks].sort())
    expect(new Set(Object.values(ssoCheckGuidance)).size).toBe(ssoChecks.length)
  })

  it('puts the guidance first and keeps the backend’s detail', () => {
    const detail =
      'single sign-on refused (domain): the email address is not in a domain allowed for this single sign-on; x.test is not allowed'
    expect(
      describeSsoProblem({ type: problemTypes.ssoFailed, title: 'Single sign-on refused', status: 403, check: 'domain', detail }),
    ).toEqual({
      headline: 'Your email address is not in a domain this tenant allows. Ask your tenant owner to add your domain to its single sign-on.',
      detail,
    })
    expect(
      describeSsoProblem({ type: problemTypes.ssoFailed, title: 'Sign-in timed out', status: 408, detail: 'start again' }).headline,
    ).toMatch(/not finished in the browser in time/)
    expect(describeSsoProblem({ type: problemTypes.unavailable, title: 'Backend unreachable', status: 503, detail: 'no answer' })).toEqual({
      headline: 'Backend unreachable',
      detail: 'no answer',
    })
  })

  it('reads the one field as an email when it has an @, else as a tenant’s slug', () => {
    expect(ssoTargetOf(' ada@example.com ')).toEqual({ email: 'ada@example.com' })
    expect(ssoTargetOf('Acme-Corp')).toEqual({ tenant: 'acme-corp' })
  })
})

describe('the single sign-on settings', () => {
  it('read the domains however they are separated, once each, lowercased, without @', () => {
    expect(parseDomains('Example.com, example.org;@corp.example\nexample.com  ')).toEqual(['example.com', 'example.org', 'corp.example'])
    expect(parseDomains(' , ')).toEqual([])
  })

  it('name a provider by its host', () => {
    expect(hostOf('https://login.example.com/tenant/v2.0')).toBe('login.example.com')
    expect(hostOf('not a url')).toBe('not a url')
    expect(issuerHost('http://127.0.0.1:4000')).toBe('127.0.0.1:4000')
  })
})

describe('a session, in words', () => {
  it('names the device from its user agent', () => {
    const cases: Array<[string | null, string]> = [
      ['LimenaConsole/1.4.0 (darwin; arm64)', 'Limena console on macOS'],
      ['LimenaConsole (linux; x64)', 'Limena console on Linux'],
      ['LimenaConsole (win32; x64)', 'Limena console on Windows'],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        'Chrome 131 on Windows',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
        'Edge 131 on Windows',
      ],
      ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133 on Linux'],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        'Safari 17 on macOS',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
        'Safari 17 on iOS',
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
        'Chrome 131 on Android',
      ],
      ['curl/8.5.0', 'curl 8.5.0'],
      ['node', 'Node.js'],
      ['python-requests/2.32.3', 'Python requests 2.32.3'],
      [null, 'Unknown device'],
      ['', 'Unknown device'],
      ['SomeRobot/1.0 (+https://robot.example)', 'SomeRobot/1.0'],
      ['x'.repeat(80), `${'x'.repeat(39)}…`],
    ]
    for (const [userAgent, expected] of cases) expect(describeUserAgent(userAgent), String(userAgent)).toBe(expected)
  })

  it('says how it was opened: password, invitation, or single sign-on through which provider and tenant', () => {
    const names = (id: string) => (id === tenantId ? 'Acme' : null)
    expect(describeOrigin({ method: 'password', sso: null }, names)).toBe('Password')
    expect(describeOrigin({ method: 'invitation', sso: null }, names)).toBe('Invitation link')
    expect(describeOrigin({ method: 'sso', sso: { issuer: 'https://login.acme.example/', tenantId, amr: [] } }, names)).toBe(
      'SSO · login.acme.example · Acme',
    )
    expect(
      describeOrigin(
        { method: 'sso', sso: { issuer: 'https://idp.example', tenantId: '22222222-2222-4222-8222-222222222222', amr: [] } },
        names,
      ),
    ).toBe('SSO · idp.example · a tenant')
    expect(describeOrigin({ method: 'sso', sso: { issuer: 'https://ops.example', tenantId: null, amr: ['mfa'] } }, names)).toBe(
      'SSO · ops.example · platform operators',
    )
  })
})
