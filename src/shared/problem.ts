/**
 * @module problem
 * RFC 9457 problem details: the one error shape of the HTTP API, the IPC bridge and the console.
 */
import { z } from 'zod'

export const problemTypes = {
  badRequest: 'urn:limena:problem:bad-request',
  validation: 'urn:limena:problem:validation',
  unauthorized: 'urn:limena:problem:unauthorized',
  forbidden: 'urn:limena:problem:forbidden',
  notFound: 'urn:limena:problem:not-found',
  conflict: 'urn:limena:problem:conflict',
  payloadTooLarge: 'urn:limena:problem:payload-too-large',
  rateLimited: 'urn:limena:problem:rate-limited',
  unavailable: 'urn:limena:problem:unavailable',
  internal: 'urn:limena:problem:internal',
  /** From main's bridge: the session was revoked or expired, sign in again. */
  sessionEnded: 'urn:limena:problem:session-ended',
  /** Single sign-on refused: `check` names the check that failed. */
  ssoFailed: 'urn:limena:problem:sso-failed',
  /** The tenant admits its members only through a session from its identity provider. */
  ssoRequired: 'urn:limena:problem:sso-required',
  /** The tenant is suspended by the platform's operators: its members and keys wait for a restore. */
  tenantSuspended: 'urn:limena:problem:tenant-suspended',
} as const

/** The checks of a single sign-on, each refused with its own `check` (urn:limena:problem:sso-failed). */
export const ssoChecks = [
  'state',
  'provider_error',
  'code',
  'pkce',
  'issuer',
  'audience',
  'signature',
  'expired',
  'nonce',
  'email_verified',
  'domain',
  'account',
  'configuration',
] as const
export type SsoCheck = (typeof ssoChecks)[number]

export type ProblemType = (typeof problemTypes)[keyof typeof problemTypes]

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** AI quota refusals (429): the fail-soft state a console shows as a banner. */
  state: z.enum(['velocity_capped', 'ceiling_reached']).optional(),
  resetsAt: z.string().optional(),
  message: z.string().optional(),
  /** Single sign-on refusals: which check failed. */
  check: z.enum(ssoChecks).optional(),
})

export type Problem = z.infer<typeof problemSchema>
