/**
 * @module http-problem
 * Errors that become a problem+json answer with a chosen status, thrown from anywhere in a
 * request; the error middleware renders them.
 */
import { problemTypes, type Problem, type SsoCheck } from '@shared/problem.js'

export class HttpProblem extends Error {
  readonly problem: Omit<Problem, 'requestId'>
  readonly headers: Record<string, string>

  constructor(problem: Omit<Problem, 'requestId'>, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title)
    this.name = 'HttpProblem'
    this.problem = problem
    this.headers = headers
  }
}

export const problems = {
  badRequest: (detail: string, errors?: Problem['errors']) =>
    new HttpProblem({
      type: errors ? problemTypes.validation : problemTypes.badRequest,
      title: errors ? 'Invalid input' : 'Bad request',
      status: 400,
      detail,
      ...(errors ? { errors } : {}),
    }),
  unauthorized: (detail = 'sign in first') =>
    new HttpProblem({ type: problemTypes.unauthorized, title: 'Unauthorized', status: 401, detail }, { 'WWW-Authenticate': 'Bearer' }),
  forbidden: (detail: string) => new HttpProblem({ type: problemTypes.forbidden, title: 'Forbidden', status: 403, detail }),
  notFound: (detail = 'no such resource') => new HttpProblem({ type: problemTypes.notFound, title: 'Not found', status: 404, detail }),
  conflict: (detail: string) => new HttpProblem({ type: problemTypes.conflict, title: 'Conflict', status: 409, detail }),
  unsupportedMediaType: () =>
    new HttpProblem({
      type: problemTypes.badRequest,
      title: 'Unsupported media type',
      status: 415,
      detail: 'send the body as application/json',
    }),
  tenantSuspended: () =>
    new HttpProblem({
      type: problemTypes.tenantSuspended,
      title: 'Tenant suspended',
      status: 403,
      detail: "this tenant is suspended by the platform's operators: its members and API keys cannot reach it until they restore it",
    }),
  /** A tenant that admits its members only through its identity provider, or operators required to use the platform's. */
  ssoRequired: (detail: string) =>
    new HttpProblem({ type: problemTypes.ssoRequired, title: 'Single sign-on required', status: 403, detail }),
  /** A single sign-on refused: `check` names the check that failed, `detail` says it in words. */
  ssoFailed: (status: 400 | 401 | 403 | 404 | 502, check: SsoCheck, detail: string) =>
    new HttpProblem(
      { type: problemTypes.ssoFailed, title: 'Single sign-on refused', status, detail, check },
      status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
    ),
  tooManyRequests: (retryAfterSeconds: number, detail: string) =>
    new HttpProblem(
      { type: problemTypes.rateLimited, title: 'Too many requests', status: 429, detail },
      { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    ),
}
