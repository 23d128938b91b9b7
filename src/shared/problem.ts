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
} as const

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
})

export type Problem = z.infer<typeof problemSchema>
