/**
 * Servers on 127.0.0.1 for connection tests: certificates made with `openssl` (a test CA, and
 * certificates it signs or that sign themselves), a server that answers the health check like a
 * Limena backend, and an address where nothing listens.
 */
import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' })
}

/** A CA in `dir` (ca.pem, ca.key) that `certificate` can sign with. */
export function makeTestCa(dir: string): string {
  const caFile = join(dir, 'ca.pem')
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Limena test CA', '-days', '1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', join(dir, 'ca.key'), '-out', caFile,
  ]) // prettier-ignore
  return caFile
}

/** A certificate for `san` (e.g. `IP:127.0.0.1`), self-signed, or signed by the CA `makeTestCa` made in `dir`. */
export async function certificate(
  dir: string,
  name: string,
  san: string,
  signer: 'self' | 'test-ca' = 'self',
): Promise<{ key: Buffer; cert: Buffer }> {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.pem`)
  if (signer === 'self') {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert]) // prettier-ignore
  } else {
    const csr = join(dir, `${name}.csr`)
    const extensions = join(dir, `${name}.ext`)
    await writeFile(extensions, `subjectAltName=${san}\n`)
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=limena test backend', '-keyout', key, '-out', csr])
    openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '1', '-extfile', extensions, '-out', cert]) // prettier-ignore
  }
  return { key: await readFile(key), cert: await readFile(cert) }
}

/** Answers every request as a healthy Limena backend's health check does. */
export const answersLikeABackend: RequestListener = (_request, response) => {
  response.setHeader('content-type', 'application/json')
  response.end(JSON.stringify({ status: 'ok', db: 'up' }))
}

/** Starts `server` on 127.0.0.1 at a free port; resolves with the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

/** An https server on 127.0.0.1 answering like a backend behind `credentials`; its URL and the server. */
export async function startTlsBackend(credentials: { key: Buffer; cert: Buffer }): Promise<{ url: string; server: Server }> {
  const server = createHttpsServer(credentials, answersLikeABackend)
  return { url: `https://127.0.0.1:${await listenOnLoopback(server)}`, server }
}

/** An http URL on 127.0.0.1 whose port was free a moment ago and has nothing listening now. */
export async function closedLoopbackUrl(): Promise<string> {
  const server = createHttpServer()
  const port = await listenOnLoopback(server)
  server.close()
  await once(server, 'close')
  return `http://127.0.0.1:${port}`
}
