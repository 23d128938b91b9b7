/**
 * @module http-server
 * Listens with plain HTTP, or HTTPS with TLS 1.2 as the floor, and closes cleanly: stop
 * accepting, let in-flight requests finish, then drop idle keep-alive sockets.
 * Over TLS 1.2 only forward-secret AEAD suites are offered (ECDHE with AES-GCM or
 * ChaCha20-Poly1305), in our order: no RSA key exchange, whose recorded traffic a later stolen
 * key decrypts, and no CBC or SHA-1 suites, the ones padding-oracle and Lucky13-style attacks
 * need. TLS 1.3's suites are all AEAD and forward secret; they are named here because a cipher
 * list without any would leave TLS 1.3 with nothing to negotiate.
 */
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { LimenaError, oneLineMessage } from './platform/errors.js'

export interface TlsFiles {
  certFile: string
  keyFile: string
}

export interface TlsCredentials {
  cert: Buffer
  key: Buffer
}

/** Reads the certificate and key up front, so a typo fails before anything else starts. */
export async function loadTlsCredentials(files: TlsFiles): Promise<TlsCredentials> {
  const [cert, key] = await Promise.all([readTlsFile(files.certFile, 'certificate'), readTlsFile(files.keyFile, 'key')])
  return { cert, key }
}

/**
 * Most preferred first. Node gives the TLS_* names to TLS 1.3 and the rest to TLS 1.2; the 1.2
 * list is Mozilla's "intermediate" one without finite-field DHE.
 */
const tlsCipherSuites = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':')

export interface ListeningServer {
  url: string
  port: number
  server: http.Server
  close(): Promise<void>
}

async function readTlsFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    throw new LimenaError(
      'tls_invalid',
      `cannot read the TLS ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? oneLineMessage(error)}`,
    )
  }
}

export async function listen(
  app: Express,
  options: { host: string; port: number; tls?: TlsCredentials; forceCloseAfterMillis?: number },
): Promise<ListeningServer> {
  let server: http.Server
  if (options.tls) {
    try {
      server = https.createServer(
        { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2', ciphers: tlsCipherSuites, honorCipherOrder: true },
        app,
      )
    } catch (error) {
      throw new LimenaError('tls_invalid', `the TLS certificate or key is not usable: ${oneLineMessage(error)}`)
    }
  } else {
    server = http.createServer(app)
  }
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000
  server.keepAliveTimeout = 5_000
  server.listen(options.port, options.host)
  try {
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw error
      }),
    ])
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : oneLineMessage(error)
    throw new LimenaError('config_invalid', `cannot listen on ${options.host}:${options.port}: ${reason}`)
  }
  const { port } = server.address() as AddressInfo
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `${options.tls ? 'https' : 'http'}://${hostForUrl}:${port}`,
    port,
    server,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const forceTimer = setTimeout(() => server.closeAllConnections(), options.forceCloseAfterMillis ?? 5_000)
      await closed
      clearTimeout(forceTimer)
    },
  }
}
