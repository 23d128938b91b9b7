/**
 * The loopback redirect single sign-on returns to (RFC 8252 §7.3), over real HTTP on 127.0.0.1:
 * an address the contract accepts, its one path and method, its own Host only, the app's state
 * (another state is refused and the wait goes on), one use, a bounded lifetime, cancel, and a
 * page for the browser with no script, a CSP that allows only its own style, and no referrer.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { loopbackRedirectSchema } from '../../src/shared/contract.js'
import { LoopbackRedirectClosed, openLoopbackRedirect, renderCallbackPage } from '../../src/main/loopback-redirect.js'

const state = 'state-of-the-app-0123456789abcdef'

/** A raw GET (fetch would not let the test send another Host or keep the method odd). */
function request(
  url: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? target.host },
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      },
    )
    outgoing.on('error', reject)
    outgoing.end()
  })
}

describe('the loopback redirect', () => {
  it('listens on 127.0.0.1 at an address the contract accepts as a redirect', async () => {
    const redirect = await openLoopbackRedirect({ state })
    try {
      expect(redirect.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sso\/callback$/)
      expect(loopbackRedirectSchema.safeParse(redirect.redirectUri).success).toBe(true)
    } finally {
      redirect.close()
    }
  })

  it('answers only its path, GET, and its own Host; a wrong state is refused and the wait goes on', async () => {
    const redirect = await openLoopbackRedirect({ state })
    let resolved = false
    void redirect.callback.then(() => (resolved = true)).catch(() => undefined)
    const base = redirect.redirectUri
    try {
      expect((await request(base.replace('/sso/callback', '/other'))).status).toBe(404)
      expect((await request(`${base}?code=abc&state=${state}`, { method: 'POST' })).status).toBe(405)
      expect((await request(`${base}?code=abc&state=${state}`, { host: 'attacker.example:80' })).status).toBe(421)
      const wrongState = await request(`${base}?code=abc&state=${state}x`)
      expect(wrongState.status).toBe(400)
      expect(wrongState.body).toContain('not the sign-in the console is waiting for')
      expect((await request(`${base}?code=abc`)).status).toBe(400)
      expect(resolved).toBe(false)

      // The right state: the browser's request waits for the outcome the app gives it.
      const answered = request(`${base}?code=one-time-code&state=${state}`)
      const callback = await redirect.callback
      expect(callback.code).toBe('one-time-code')
      callback.respond({ outcome: 'signed-in', title: 'Signed in', message: 'You are signed in to Limena as ada@example.test.' })
      const page = await answered
      expect(page.status).toBe(200)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(page.headers['referrer-policy']).toBe('no-referrer')
      expect(page.headers['cache-control']).toBe('no-store')
      expect(page.body).toContain('You are signed in to Limena as ada@example.test.')
      expect(page.body).not.toMatch(/<script|<img|<link|<iframe|<form|https?:\/\//i)

      // The CSP allows exactly the page's one inline style, by its hash, and nothing else.
      const csp = page.headers['content-security-policy']!
      expect(csp).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
      )
      const inlineStyle = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!
      expect(csp).toContain(`'sha256-${createHash('sha256').update(inlineStyle).digest('base64')}'`)

      // One use: the listener is gone.
      await expect(request(`${base}?code=again&state=${state}`)).rejects.toThrow(/ECONNREFUSED/)
    } finally {
      redirect.close()
    }
  })

  it('says a failure in words, escaped, with status 400', async () => {
    const redirect = await openLoopbackRedirect({ state })
    const answered = request(`${redirect.redirectUri}?code=c&state=${state}`)
    const callback = await redirect.callback
    callback.respond({ outcome: 'failed', title: 'Sign-in refused', message: 'the domain <b>evil.example</b> is not allowed' })
    const page = await answered
    expect(page.status).toBe(400)
    expect(page.body).toContain('the domain &lt;b&gt;evil.example&lt;/b&gt; is not allowed')
    expect(page.body).toContain('try again')
    expect(renderCallbackPage({ outcome: 'failed', title: '"x"', message: "it's" })).toContain('&quot;x&quot;')
  })

  it('stops waiting when its lifetime ends, and closes its port', async () => {
    const redirect = await openLoopbackRedirect({ state, lifetimeMillis: 150 })
    const error = await redirect.callback.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LoopbackRedirectClosed)
    expect((error as LoopbackRedirectClosed).reason).toBe('expired')
    await expect(request(`${redirect.redirectUri}?code=c&state=${state}`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('ends sooner when told the backend forgets the attempt earlier', async () => {
    const redirect = await openLoopbackRedirect({ state })
    const started = Date.now()
    redirect.expireAt(Date.now() + 100)
    await expect(redirect.callback).rejects.toMatchObject({ reason: 'expired' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('cancels: the wait ends as cancelled, and a browser already waiting is told', async () => {
    const redirect = await openLoopbackRedirect({ state })
    redirect.close('cancelled')
    await expect(redirect.callback).rejects.toMatchObject({ reason: 'cancelled' })

    const held = await openLoopbackRedirect({ state })
    const answered = request(`${held.redirectUri}?code=c&state=${state}`)
    await held.callback
    held.close('cancelled')
    const page = await answered
    expect(page.status).toBe(400)
    expect(page.body).toContain('stopped this sign-in')
  })
})
