/**
 * @module connection-probe
 * Whether a backend answers at a URL, and when it does not, why, in words a person can act on: a
 * certificate this computer does not trust (self-signed, unknown CA, expired, for another name),
 * nothing listening, a name that does not resolve, no answer in time, or an answer that is not a
 * Limena backend's. A certificate is never bypassed: the only way past a certificate error is a
 * certificate this computer trusts.
 */
import { healthSchema } from '@shared/contract.js'

export type ProbeResult =
  { ok: true; database: 'up' | 'down' } | { ok: false; reason: 'certificate' | 'unreachable' | 'timeout' | 'not-limena'; message: string }

const trustHint =
  "Use a certificate from a CA this computer trusts, or add your CA to this computer's trust (for the desktop app: the NODE_EXTRA_CA_CERTS environment variable naming a PEM file). Limena never skips this check."

/** Error codes of Node's TLS and socket layers, as found on a failed fetch's cause chain. */
function errorCodeOf(error: unknown): string | null {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth += 1) {
    if (typeof current.code === 'string') return current.code
    current = current.cause as typeof current
  }
  return null
}

/** Why a request to `origin` failed before any answer, in one or two sentences. */
export function explainNetworkError(
  error: unknown,
  origin: string,
): { reason: 'certificate' | 'unreachable' | 'timeout'; message: string } {
  const host = new URL(origin).host
  const code = errorCodeOf(error)
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return {
        reason: 'certificate',
        message: `The certificate of ${host} is self-signed, so this computer cannot tell that server from an impostor. ${trustHint}`,
      }
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return { reason: 'certificate', message: `The certificate of ${host} was issued by a CA this computer does not trust. ${trustHint}` }
    case 'CERT_HAS_EXPIRED':
      return { reason: 'certificate', message: `The certificate of ${host} has expired: renew it on the server.` }
    case 'CERT_NOT_YET_VALID':
      return {
        reason: 'certificate',
        message: `The certificate of ${host} is not valid yet: check the clocks of the server and of this computer.`,
      }
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        reason: 'certificate',
        message: `The certificate the server sent is not for ${new URL(origin).hostname}: use the name the certificate was issued for, or a certificate for this name.`,
      }
    case 'ECONNREFUSED':
      return { reason: 'unreachable', message: `Nothing answers at ${origin} (connection refused): is the backend running, on this port?` }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        reason: 'unreachable',
        message: `The name ${new URL(origin).hostname} does not resolve: check its spelling and your network.`,
      }
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return { reason: 'timeout', message: `${origin} did not answer in time: check the address and your network.` }
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return { reason: 'unreachable', message: `${origin} does not speak TLS as expected: is it an http:// address, or another port?` }
    default:
      return {
        reason: 'unreachable',
        message: `Could not reach ${origin}${code ? ` (${code})` : ''}: check the address and your network.`,
      }
  }
}

/** Asks `origin`'s health endpoint, within `timeoutMs`. */
export async function probeConnection(origin: string, fetchImpl: typeof fetch = fetch, timeoutMs = 5000): Promise<ProbeResult> {
  let response: Response
  try {
    response = await fetchImpl(`${origin}/api/v1/healthz`, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      return { ok: false, reason: 'timeout', message: `${origin} did not answer within ${timeoutMs / 1000} seconds.` }
    }
    return { ok: false, ...explainNetworkError(error, origin) }
  }
  const body: unknown = await response.json().catch(() => null)
  const health = healthSchema.safeParse(body)
  if (!health.success) {
    return {
      ok: false,
      reason: 'not-limena',
      message: `${origin} answers, but not as a Limena backend (its health check answered ${response.status}): check the address.`,
    }
  }
  return { ok: true, database: health.data.db }
}
