/**
 * @module session-cookies
 * The two cookies of a session. `refresh_token`: HttpOnly, SameSite=Lax, only sent to
 * /api/v1/auth/, Secure over TLS, 7 days. `csrf`: readable by the page (double submit), same
 * lifetime. Both are cleared on logout.
 */
import type { CookieOptions, Response } from 'express'
import { apiBasePath } from '@shared/contract.js'
import { csrfCookieName } from '../crypto/csrf-token.js'

export { csrfCookieName }

export const refreshCookieName = 'refresh_token'
export const refreshTokenLifetimeMillis = 7 * 24 * 60 * 60 * 1000
export const refreshCookiePath = `${apiBasePath}/auth/`

function refreshCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: refreshCookiePath, secure, maxAge: refreshTokenLifetimeMillis }
}

function csrfCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: false, sameSite: 'lax', path: '/', secure, maxAge: refreshTokenLifetimeMillis }
}

export function setSessionCookies(response: Response, values: { refreshToken: string; csrfToken: string }, secure: boolean): void {
  response.cookie(refreshCookieName, values.refreshToken, refreshCookieOptions(secure))
  response.cookie(csrfCookieName, values.csrfToken, csrfCookieOptions(secure))
}

export function clearSessionCookies(response: Response, secure: boolean): void {
  const { maxAge: _refreshMaxAge, ...refresh } = refreshCookieOptions(secure)
  const { maxAge: _csrfMaxAge, ...csrf } = csrfCookieOptions(secure)
  response.clearCookie(refreshCookieName, refresh)
  response.clearCookie(csrfCookieName, csrf)
}
