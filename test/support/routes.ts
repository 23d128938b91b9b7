/**
 * Every route the Express app really serves, found by walking its router (not listed by hand).
 */
import type { Express } from 'express'
import { apiBasePath, operations, type OperationDefinition } from '../../src/shared/contract.js'

export interface DiscoveredRoute {
  method: string
  path: string
}

interface Layer {
  rawPath?: unknown
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

function walk(stack: Layer[], prefix: string, found: DiscoveredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), path: prefix + layer.route.path })
    } else if (layer.handle?.stack) {
      walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''), found)
    }
  }
}

export function discoverRoutes(app: Express): DiscoveredRoute[] {
  const found: DiscoveredRoute[] = []
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', found)
  return found
}

/** The contract's operation behind a routed method and full path (`/api/v1/...`). */
export function operationOfRoute(method: string, routedPath: string): OperationDefinition {
  const found = Object.values(operations).find(
    (operation) => operation.method === method && `${apiBasePath}${operation.path}` === routedPath,
  )
  if (!found) throw new Error(`route ${method} ${routedPath} is not in the contract`)
  return found
}
