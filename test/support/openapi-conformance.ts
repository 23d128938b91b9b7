/**
 * Checks real HTTP exchanges against the served OpenAPI document: the request fits the documented
 * parameters and body, and the answer's status, content type, body and headers are documented.
 * Schemas are checked with ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) with ajv-formats, and
 * resolved inside the document itself, so `$ref`s to components work as any client's would.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { fillPath, operations, pathParameterNames, type OperationDefinition, type OperationName } from '../../src/shared/contract.js'
import { openApiPath } from '../../src/server/openapi/openapi-document.js'
import type { ApiAnswer } from './test-server.js'

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value))

type JsonSchema = Record<string, unknown>

interface HeaderObject {
  required?: boolean
  schema: JsonSchema
}

interface ParameterObject {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required: boolean
  schema: JsonSchema
}

export interface ResponseObject {
  description: string
  headers?: Record<string, HeaderObject | { $ref: string }>
  content?: Record<string, { schema: JsonSchema }>
}

export interface OperationObject {
  operationId: string
  security: Array<Record<string, string[]>>
  parameters?: ParameterObject[]
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, ResponseObject>
}

export interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, OperationObject>>
  components: { headers: Record<string, HeaderObject> }
}

/** Headers whose presence in an answer is a promise the document must make. */
const significantHeaders = ['set-cookie', 'retry-after', 'www-authenticate', 'content-disposition']

const documentId = 'https://limena.invalid/openapi.json'

function pointer(segments: string[]): string {
  return segments.map((segment) => `/${encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'))}`).join('')
}

/** A query or header value is text; its schema may say integer or number. */
function typed(value: string, schema: JsonSchema): unknown {
  return schema.type === 'integer' || schema.type === 'number' ? Number(value) : value
}

export class OpenApiConformance {
  private readonly ajv: Ajv2020

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({
      // The document is not itself a schema: its other members (paths, info) are unknown keywords.
      strictSchema: false,
      allErrors: true,
      // …but an unknown `format` must not pass silently.
      logger: {
        log: () => undefined,
        warn: (message: unknown) => {
          throw new Error(String(message))
        },
        error: (message: unknown) => {
          throw new Error(String(message))
        },
      },
    })
    addFormats(this.ajv)
    this.ajv.addSchema(document, documentId)
  }

  operationSegments(name: OperationName): string[] {
    const definition = operations[name] as OperationDefinition
    return ['paths', openApiPath(definition.path), definition.method.toLowerCase()]
  }

  operation(name: OperationName): OperationObject {
    const [, path, method] = this.operationSegments(name)
    const operation = this.document.paths[path!]?.[method!]
    if (!operation) throw new Error(`${name} is not in the document`)
    return operation
  }

  private validator(segments: string[]): ValidateFunction {
    const reference = `${documentId}#${pointer(segments)}`
    const validate = this.ajv.getSchema(reference)
    if (!validate) throw new Error(`no schema at ${reference}`)
    return validate
  }

  private check(segments: string[], value: unknown, what: string): string[] {
    const validate = this.validator(segments)
    if (validate(value)) return []
    return [`${what} does not match its documented schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`]
  }

  /** Findings about a request built from `input` (path, query or body fields, as the contract takes them). */
  requestFindings(name: OperationName, input: Record<string, unknown>): string[] {
    const definition = operations[name] as OperationDefinition
    const operation = this.operation(name)
    const segments = this.operationSegments(name)
    const findings: string[] = []
    const pathNames = pathParameterNames(definition.path)
    const described = new Set<string>()
    for (const [index, parameter] of (operation.parameters ?? []).entries()) {
      if (parameter.in !== 'path' && parameter.in !== 'query') continue
      described.add(parameter.name)
      const value = input[parameter.name]
      if (value === undefined) {
        if (parameter.required) findings.push(`required ${parameter.in} parameter ${parameter.name} is missing`)
        continue
      }
      findings.push(
        ...this.check(
          [...segments, 'parameters', String(index), 'schema'],
          typed(textOf(value), parameter.schema),
          `${parameter.in} parameter ${parameter.name}=${textOf(value)}`,
        ),
      )
    }
    const bodyFields = Object.fromEntries(
      Object.entries(input).filter(([field, value]) => !described.has(field) && !pathNames.includes(field) && value !== undefined),
    )
    if (operation.requestBody) {
      const [mediaType] = Object.keys(operation.requestBody.content)
      findings.push(...this.check([...segments, 'requestBody', 'content', mediaType!, 'schema'], bodyFields, 'the request body'))
    } else if (Object.keys(bodyFields).length) {
      findings.push(`fields ${Object.keys(bodyFields).join(', ')} are neither documented parameters nor a documented body`)
    }
    return findings
  }

  private header(reference: HeaderObject | { $ref: string }): HeaderObject {
    if (!('$ref' in reference)) return reference
    const name = reference.$ref.replace('#/components/headers/', '')
    const header = this.document.components.headers[name]
    if (!header) throw new Error(`unresolved header ${reference.$ref}`)
    return header
  }

  /** Findings about a real answer of `name`: each one is a way the document does not tell the truth. */
  answerFindings(name: OperationName, answer: ApiAnswer): string[] {
    const segments = this.operationSegments(name)
    const documented = this.operation(name).responses[String(answer.status)]
    if (!documented) return [`status ${answer.status} is not documented (body: ${answer.text.slice(0, 300)})`]
    const findings: string[] = []
    const responseSegments = [...segments, 'responses', String(answer.status)]
    const contentType = answer.headers.get('content-type')?.split(';')[0]?.trim() ?? null
    if (!documented.content) {
      if (answer.text !== '') findings.push(`status ${answer.status} is documented without a body, but one came (${contentType})`)
    } else if (!contentType || !documented.content[contentType]) {
      findings.push(
        `content type ${contentType} of status ${answer.status} is not documented (${Object.keys(documented.content).join(', ')})`,
      )
    } else {
      let body: unknown = answer.text
      if (contentType.endsWith('json')) {
        try {
          body = JSON.parse(answer.text)
        } catch {
          findings.push(`the ${contentType} body is not JSON`)
        }
      }
      findings.push(...this.check([...responseSegments, 'content', contentType, 'schema'], body, `the ${answer.status} body`))
    }
    const headers = Object.fromEntries(
      Object.entries(documented.headers ?? {}).map(([header, reference]) => [header.toLowerCase(), this.header(reference)]),
    )
    for (const [header, description] of Object.entries(headers)) {
      const value = header === 'set-cookie' ? answer.headers.getSetCookie().join(', ') || null : answer.headers.get(header)
      if (value === null) {
        if (description.required) findings.push(`required header ${header} of status ${answer.status} is missing`)
        continue
      }
      const validate = this.ajv.compile(description.schema)
      if (!validate(typed(value, description.schema)))
        findings.push(`header ${header}: ${value} does not match ${JSON.stringify(description.schema)}`)
    }
    for (const header of significantHeaders) {
      const present = header === 'set-cookie' ? answer.headers.getSetCookie().length > 0 : answer.headers.has(header)
      if (present && !headers[header]) findings.push(`header ${header} was sent with status ${answer.status} but is not documented there`)
    }
    return findings
  }
}

/** Path and query string (GET, DELETE) or JSON body of a call of `name` with `input`. */
export function requestOf(
  name: OperationName,
  input: Record<string, unknown>,
): { method: string; path: string; body?: Record<string, unknown> } {
  const definition = operations[name] as OperationDefinition
  const pathNames = pathParameterNames(definition.path)
  const path = fillPath(definition.path, (parameter) => encodeURIComponent(textOf(input[parameter])))
  const rest = Object.entries(input).filter(([field, value]) => !pathNames.includes(field) && value !== undefined)
  if (definition.method === 'GET' || definition.method === 'DELETE') {
    const query = new URLSearchParams(rest.map(([field, value]): [string, string] => [field, String(value)])).toString()
    return { method: definition.method, path: query ? `${path}?${query}` : path }
  }
  return { method: definition.method, path, ...(rest.length ? { body: Object.fromEntries(rest) } : {}) }
}
