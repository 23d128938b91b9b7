/**
 * @module connection-url
 * A remote backend is reached over https only; plain http is accepted for loopback addresses
 * alone (a backend on this machine). Anything else is refused with a sentence saying why.
 */
const loopbackHostnames = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export class ConnectionUrlError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConnectionUrlError'
  }
}

/** The backend's origin (scheme, host, port) from what a person typed. */
export function normaliseConnectionUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new ConnectionUrlError('that is not a URL; use https://backend.example.com')
  }
  if (url.username || url.password) throw new ConnectionUrlError('put no credentials in the URL; sign in after adding the connection')
  const loopback = loopbackHostnames.has(url.hostname)
  if (url.protocol === 'http:' && !loopback)
    throw new ConnectionUrlError('remote backends must use https; plain http is allowed only for 127.0.0.1 and localhost')
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectionUrlError('use an https:// URL')
  return url.origin
}
