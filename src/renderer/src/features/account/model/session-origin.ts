/**
 * How a session was opened, in words: "Password", "Invitation link", "SSO · login.example.com · Acme"
 * (the tenant by name when the person is a member, else its slug or "a tenant"), or
 * "SSO · login.example.com · platform operators" for the platform's provider.
 */
import type { SessionOrigin } from '@shared/contract'

export function issuerHost(issuer: string): string {
  try {
    return new URL(issuer).host
  } catch {
    return issuer
  }
}

export function describeOrigin(origin: SessionOrigin, tenantName: (tenantId: string) => string | null): string {
  if (origin.method === 'password') return 'Password'
  if (origin.method === 'invitation') return 'Invitation link'
  if (!origin.sso) return 'SSO'
  const where = origin.sso.tenantId === null ? 'platform operators' : (tenantName(origin.sso.tenantId) ?? 'a tenant')
  return `SSO · ${issuerHost(origin.sso.issuer)} · ${where}`
}
