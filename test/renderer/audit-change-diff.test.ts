/**
 * The event drawer's changes, side by side (features/audit/model/change-diff.ts): which fields
 * changed, and for lists which items went and which came, so the drawer marks differences rather
 * than print two JSON strings.
 */
import { describe, expect, it } from 'vitest'
import { diffChanges, diffLists, fieldLabel, sameValue } from '../../src/renderer/src/features/audit/model/change-diff'

describe('diffChanges', () => {
  it('marks each field changed, set, cleared or unchanged', () => {
    const rows = diffChanges({
      role: { before: 'viewer', after: 'member' },
      nickname: { before: null, after: 'Ada' },
      slug: { before: 'acme', after: null },
      name: { before: 'Acme', after: 'Acme' },
    })
    expect(rows.map((row) => [row.field, row.kind])).toEqual([
      ['role', 'changed'],
      ['nickname', 'added'],
      ['slug', 'removed'],
      ['name', 'unchanged'],
    ])
    expect(rows[0]).toMatchObject({ before: 'viewer', after: 'member', list: null })
  })

  it('compares lists and objects by value, in any key order', () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true)
    expect(sameValue([1, 2], [2, 1])).toBe(false)
    expect(sameValue(null, undefined)).toBe(true)
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(diffChanges({ limits: { before: { hour: 10 }, after: { hour: 10 } } })[0]!.kind).toBe('unchanged')
  })

  it('marks the items a list lost and gained', () => {
    const [row] = diffChanges({ scopes: { before: ['tenant:read', 'keys:write'], after: ['tenant:read', 'audit:read'] } })
    expect(row!.kind).toBe('changed')
    expect(row!.list).toEqual({
      before: [
        { value: 'tenant:read', removed: false },
        { value: 'keys:write', removed: true },
      ],
      after: [
        { value: 'tenant:read', added: false },
        { value: 'audit:read', added: true },
      ],
    })
    expect(diffLists([], ['a'])).toEqual({ before: [], after: [{ value: 'a', added: true }] })
  })

  it('has nothing to show without changes', () => {
    expect(diffChanges(null)).toEqual([])
    expect(diffChanges({})).toEqual([])
  })

  it('names fields for people', () => {
    expect(fieldLabel('monthlyTokenCeiling')).toBe('monthly token ceiling')
    expect(fieldLabel('display_name')).toBe('display name')
    expect(fieldLabel('role')).toBe('role')
  })
})
