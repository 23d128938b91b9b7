/**
 * The audit action catalogue is the one list of actions: every name fits the database's CHECK
 * constraint on audit_logs.action, every label is distinct (the console shows labels, so two
 * actions must never read the same), and the API's filter accepts exactly the names and families.
 */
import { describe, expect, it } from 'vitest'
import {
  auditActionFilters,
  auditActionLabel,
  auditActionNames,
  auditActions,
  isAuditActionFilter,
} from '../../src/shared/audit-actions.js'
import { auditFiltersSchema } from '../../src/shared/contract.js'

describe('the audit action catalogue', () => {
  it('holds names the database accepts, each with its own label', () => {
    for (const name of auditActionNames) expect(name).toMatch(/^[a-z_]+\.[a-z_]+$/)
    const labels = Object.values(auditActions).map((action) => action.label)
    expect(new Set(labels).size).toBe(labels.length)
    expect(auditActionLabel('api_key.deleted')).toBe('API key revoked')
    expect(auditActionLabel('not.catalogued')).toBe('not.catalogued')
  })

  it('is what the API filter accepts: names and families, nothing else', () => {
    for (const filter of auditActionFilters) expect(auditFiltersSchema.safeParse({ action: filter }).success, filter).toBe(true)
    for (const stranger of ['auth', 'auth.', 'nope.*', 'api_key.exploded', 'DROP TABLE']) {
      expect(isAuditActionFilter(stranger), stranger).toBe(false)
      expect(auditFiltersSchema.safeParse({ action: stranger }).success, stranger).toBe(false)
    }
  })
})
