/**
 * @module loopback-redirect
 * Where the system browser brings a single sign-on back to the app (RFC 8252 §7.3): an HTTP
 * listener on 127.0.0.1, on a port the OS picks, for one sign-in only. It answers GET on its one
 * path, for its own Host only (against DNS rebinding), and takes the first request that carries
 * the app's `state` (compared in constant time); a request with another state is refused and the
 * listener keeps waiting, so a page that guesses the port cannot end the real sign-in. It closes
 * after that one use, when its lifetime runs out, or when the app cancels.
 *
 * The browser gets a small page of its own: the outcome in words, no script, no external
 * resource, a CSP that allows only its one inline style, and no referrer (the address holds the
 * one-time code).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import http from 'node:http'

/** What the page in the browser says once the app knows how the sign-in ended. */
export interface CallbackPage {
  outcome: 'signed-in' | 'failed'
  title: string
  message: string
}

/** The browser's request that carried the right state: its code, and the page to answer it with. */
export interface LoopbackCallback {
  code: string
  /** Answers the waiting browser with `page`, then closes the listener. */
  respond(page: CallbackPage): void
}

export class LoopbackRedirectClosed extends Error {
  constructor(readonly reason: 'cancelled' | 'expired') {
    super(reason === 'expired' ? 'the browser did not come back in time' : 'the sign-in was cancelled')
    this.name = 'LoopbackRedirectClosed'
  }
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port><path>`: the address the backend sends the browser on to. */
  redirectUri: string
  /** The first request with the app's state; rejects with LoopbackRedirectClosed when closed first. */
  callback: Promise<LoopbackCallback>
  /** Ends the wait sooner (the backend's attempt expires before the listener's lifetime). */
  expireAt(time: number): void
  /** Stops listening; a wait still pending rejects with `reason`. */
  close(reason?: 'cancelled' | 'expired'): void
}

/** Ten minutes: longer than any sign-in a person finishes, short enough not to linger. */
export const defaultLoopbackLifetimeMillis = 10 * 60_000

const style =
  'body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;' +
  'background:#f6f7f9;color:#1b1f24}main{max-width:32rem;margin:2rem;padding:1.5rem 1.75rem;background:#fff;border:1px solid #d5dbe2;' +
  'border-radius:10px}h1{font-size:1.3rem;margin:0 0 .5rem}.failed h1{color:#b3261e}.signed-in h1{color:#176f30}p{margin:.5rem 0}' +
  '@media (prefers-color-scheme:dark){body{background:#0f1317;color:#e6edf3}main{background:#161b22;border-color:#30363d}' +
  '.failed h1{color:#ff7b72}.signed-in h1{color:#3fb950}}'
const styleHash = createHash('sha256').update(style).digest('base64')

/** The page's only allowance is its own style: no script, no image, no form, no frame. */
export const callbackPageCsp = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!)

export function renderCallbackPage(page: CallbackPage): string {
  const next =
    page.outcome === 'signed-in'
      ? 'You can close this tab and go back to the Limena console.'
      : 'Close this tab, go back to the Limena console and try again there.'
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><title>Limena: ${escapeHtml(page.title)}</title><style>${style}</style></head>` +
    `<body><main class="${page.outcome}"><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p><p>${next}</p></main></body></html>`
  )
}

function answer(response: http.ServerResponse, status: number, page: CallbackPage, extraHeaders: Record<string, string> = {}): void {
  const body = renderCallbackPage(page)
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-security-policy': callbackPageCsp,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    connection: 'close',
    ...extraHeaders,
  })
  response.end(body)
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Opens the listener for one sign-in, waiting for `state` on `path`. */
export async function openLoopbackRedirect(options: { state: string; path?: string; lifetimeMillis?: number }): Promise<LoopbackRedirect> {
  const path = options.path ?? '/sso/callback'
  let settled = false
  let closed = false
  let resolveCallback!: (callback: LoopbackCallback) => void
  let rejectCallback!: (error: Error) => void
  const callback = new Promise<LoopbackCallback>((resolve, reject) => {
    resolveCallback = resolve
    rejectCallback = reject
  })
  // A rejection nobody awaits yet (closed before the caller reached `callback`) is not an unhandled one.
  callback.catch(() => undefined)

  let port = 0
  /** The browser's request that carried the state, waiting for the outcome of the exchange. */
  let held: http.ServerResponse | null = null
  const server = http.createServer((request, response) => {
    if (request.headers.host !== `127.0.0.1:${port}`)
      return answer(response, 421, { outcome: 'failed', title: 'Wrong address', message: 'This address answers only as 127.0.0.1.' })
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`)
    if (url.pathname !== path)
      return answer(response, 404, { outcome: 'failed', title: 'Not found', message: 'Nothing is served here but the sign-in.' })
    if (request.method !== 'GET')
      return answer(
        response,
        405,
        { outcome: 'failed', title: 'Not allowed', message: 'Only the browser’s return is taken here.' },
        { allow: 'GET' },
      )
    if (settled)
      return answer(response, 410, {
        outcome: 'failed',
        title: 'Already used',
        message: 'This sign-in address was used once already and takes no other request.',
      })
    const state = url.searchParams.get('state') ?? ''
    const code = url.searchParams.get('code') ?? ''
    if (!sameSecret(state, options.state))
      return answer(response, 400, {
        outcome: 'failed',
        title: 'Not this sign-in',
        message: 'This request is not the sign-in the console is waiting for, so it was ignored.',
      })
    settled = true
    if (!code || code.length > 200) {
      answer(response, 400, {
        outcome: 'failed',
        title: 'Sign-in failed',
        message: 'The browser came back without a sign-in code.',
      })
      rejectCallback(new Error('the browser came back without a sign-in code'))
      return close()
    }
    held = response
    resolveCallback({
      code,
      respond: (page) => {
        if (held !== response) return
        held = null
        answer(response, page.outcome === 'signed-in' ? 200 : 400, page)
        close()
      },
    })
  })

  let timer: NodeJS.Timeout | null = null
  const expireAt = (time: number): void => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => close('expired'), Math.max(0, time - Date.now()))
    timer.unref()
  }

  function close(reason: 'cancelled' | 'expired' = 'cancelled'): void {
    if (timer) clearTimeout(timer)
    if (!settled) {
      settled = true
      rejectCallback(new LoopbackRedirectClosed(reason))
    }
    if (held) {
      answer(held, 400, { outcome: 'failed', title: 'Sign-in stopped', message: 'The console stopped this sign-in before it finished.' })
      held = null
    }
    if (closed) return
    closed = true
    // The answer in flight is written first; then no connection lingers on the port.
    server.close()
    setImmediate(() => server.closeAllConnections())
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as { port: number }).port
  expireAt(Date.now() + (options.lifetimeMillis ?? defaultLoopbackLifetimeMillis))
  return { redirectUri: `http://127.0.0.1:${port}${path}`, callback, expireAt, close }
}
