/**
 * @module contract
 * Every operation of the backend, declared once: HTTP method and path, who may call it, and the
 * zod schemas of its input and output. The server validates requests with it, main's API client
 * and IPC router validate with it, and the renderer's hooks are typed by it.
 */
import { z } from 'zod'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Who may call an operation: nobody needs to sign in, any signed-in caller, or a platform operator. */
export type OperationAccess = 'public' | 'authenticated' | 'operator'

export interface OperationDefinition<Input extends z.ZodType, Output extends z.ZodType> {
  method: HttpMethod
  /** Path under /api/v1, with `:param` placeholders. */
  path: string
  access: OperationAccess
  summary: string
  input: Input
  output: Output
}

function defineOperation<Input extends z.ZodType, Output extends z.ZodType>(
  definition: OperationDefinition<Input, Output>,
): OperationDefinition<Input, Output> {
  return definition
}

export const apiBasePath = '/api/v1'

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: z.enum(['up', 'down']),
})
export type Health = z.infer<typeof healthSchema>

export const operations = {
  health: defineOperation({
    method: 'GET',
    path: '/healthz',
    access: 'public',
    summary: 'Liveness of the backend and reachability of its database',
    input: z.object({}).strict(),
    output: healthSchema,
  }),
} as const

export type OperationName = keyof typeof operations
export type OperationInput<Name extends OperationName> = z.input<(typeof operations)[Name]['input']>
export type OperationOutput<Name extends OperationName> = z.output<(typeof operations)[Name]['output']>

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(operations, name)
}
