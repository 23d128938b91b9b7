/**
 * @module openapi-routes
 * GET /openapi.json: the document, built once.
 */
import { buildOpenApiDocument } from './openapi-document.js'
import type { DomainHandlers } from '../http/operation-context.js'

export const apiVersion = '1.0.0'
let document: Record<string, unknown> | undefined

export const openApiHandlers = {
  async openapi({ response }) {
    document ??= buildOpenApiDocument(apiVersion)
    response.setHeader('Cache-Control', 'public, max-age=300')
    return document
  },
} satisfies DomainHandlers
