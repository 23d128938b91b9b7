/**
 * @module host-check
 * For the backend embedded in the desktop app: any web page the user visits can make the browser
 * send requests to 127.0.0.1 under a hostname it controls (DNS rebinding). Only requests whose
 * Host header is the loopback address and port the backend listens on are served; every route
 * still needs authentication, since any local process can reach the port.
 */
import type { Express } from 'express'
import { problemTypes } from '@shared/problem.js'
import { sendProblem } from './errors.js'

export function installHostCheck(app: Express, allowedHosts: () => readonly string[]): void {
  app.use((request, response, next) => {
    const host = (request.headers.host ?? '').toLowerCase()
    if (allowedHosts().includes(host)) {
      next()
      return
    }
    sendProblem(response, {
      type: problemTypes.forbidden,
      title: 'Misdirected request',
      status: 421,
      detail: 'this backend answers only on its own loopback address',
    })
  })
}

export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
}
