/**
 * @module host-check
 * For the backend embedded in the desktop app, and `limena serve` bound to loopback: any web
 * page the user visits can make the browser send requests to 127.0.0.1 under a hostname it
 * controls (DNS rebinding). Only requests whose Host header is the loopback address and port
 * the backend listens on (or a name the install was given for its reverse proxy) are served;
 * every route still needs authentication, since any local process can reach the port.
 */
import type { Express } from 'express'
import { problemTypes } from '@shared/problem.js'
import { sendProblem } from './errors.js'

/** `name:port` allows that exact Host; a bare `name` allows it on any port. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const withoutPort = host.replace(/:\d+$/, '')
  return allowedHosts.some((allowed) => allowed === host || (!/:\d+$/.test(allowed) && allowed === withoutPort))
}

export function installHostCheck(app: Express, allowedHosts: () => readonly string[]): void {
  app.use((request, response, next) => {
    const host = (request.headers.host ?? '').toLowerCase()
    if (hostAllowed(host, allowedHosts())) {
      next()
      return
    }
    sendProblem(response, {
      type: problemTypes.forbidden,
      title: 'Misdirected request',
      status: 421,
      detail: 'this backend answers only on its own loopback address and the host names it was given (--allowed-host)',
    })
  })
}

export function loopbackHosts(port: number, boundAddress?: string): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
  if (boundAddress && isLoopbackAddress(boundAddress) && !['127.0.0.1', 'localhost', '::1'].includes(boundAddress))
    hosts.push(`${boundAddress}:${port}`)
  return hosts
}

export function isLoopbackAddress(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)
}
