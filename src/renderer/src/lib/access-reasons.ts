/**
 * Access reasons: before an operator reads tenant data the console asks why (a ticket or free
 * text), remembers the answer per scope (a tenant, or every tenant for cross-tenant views) for
 * this session only, and sends it with every operator call. The tenant sees it in its audit log.
 * This module holds the contract between the asking (AccessReasonProvider) and the using
 * (useOperatorCall), free of the dialog, so both can be tested and imported anywhere.
 */
import { createContext, useContext } from 'react'

/** The scope of reasons given for views across every tenant (directory, usage, posture, logs). */
export const crossTenantScope = 'all-tenants'

/** The operator closed the reason dialog without giving one: nothing was read, and nothing is retried. */
export class AccessReasonDeclined extends Error {
  constructor(readonly scope: string) {
    super('no access reason given')
    this.name = 'AccessReasonDeclined'
  }
}

/** Plain functions (not methods): callers pass them around on their own. */
export interface AccessReasons {
  reasonFor: (scope: string) => string | null
  /**
   * The reason for `scope`, asking the operator first when there is none yet. A tenant scope is
   * looked up first (the dialog names the tenant); an unknown one fails without asking.
   */
  ensureReason: (scope: string, what: string) => Promise<string>
  /** Opens the dialog to replace the reason given for `scope` (later reads carry the new one). */
  changeReason: (scope: string) => void
  /** The name of a tenant scope once looked up, for the header. */
  scopeName: (scope: string) => string | null
}

export const AccessReasonContext = createContext<AccessReasons | null>(null)

export function useAccessReasons(): AccessReasons {
  const context = useContext(AccessReasonContext)
  if (!context) throw new Error('useAccessReasons outside AccessReasonProvider')
  return context
}
