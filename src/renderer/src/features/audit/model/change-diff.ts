/**
 * An event's `changes` ({ field: { before, after } }) as rows to show side by side: whether each
 * field changed, and for lists which items were removed and which added, so the drawer can mark
 * the differences rather than print two JSON strings.
 */

export type ChangeKind = 'changed' | 'added' | 'removed' | 'unchanged'

export interface ListDiff {
  /** The before list's items, each marked removed when the after list does not hold it. */
  before: Array<{ value: unknown; removed: boolean }>
  /** The after list's items, each marked added when the before list did not hold it. */
  after: Array<{ value: unknown; added: boolean }>
}

export interface ChangeRow {
  field: string
  before: unknown
  after: unknown
  kind: ChangeKind
  /** When both sides are lists: item by item. */
  list: ListDiff | null
}

const isEmpty = (value: unknown) => value === undefined || value === null

/** Structural equality of JSON values (object keys in any order). */
export function sameValue(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true
  if (isEmpty(left) && isEmpty(right)) return true
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false
  if (Array.isArray(left) !== Array.isArray(right)) return false
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((item, index) => sameValue(item, right[index]))
  const leftKeys = Object.keys(left)
  const rightKeys = Object.keys(right)
  return (
    leftKeys.length === rightKeys.length &&
    leftKeys.every(
      (key) => Object.hasOwn(right, key) && sameValue((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
    )
  )
}

export function diffLists(before: readonly unknown[], after: readonly unknown[]): ListDiff {
  return {
    before: before.map((value) => ({ value, removed: !after.some((other) => sameValue(other, value)) })),
    after: after.map((value) => ({ value, added: !before.some((other) => sameValue(other, value)) })),
  }
}

export function diffChanges(changes: Record<string, { before?: unknown; after?: unknown }> | null | undefined): ChangeRow[] {
  if (!changes) return []
  return Object.entries(changes).map(([field, change]) => {
    const { before, after } = change
    const kind: ChangeKind = sameValue(before, after) ? 'unchanged' : isEmpty(before) ? 'added' : isEmpty(after) ? 'removed' : 'changed'
    const list = Array.isArray(before) && Array.isArray(after) ? diffLists(before, after) : null
    return { field, before, after, kind, list }
  })
}

/** A field name for people: `monthlyTokenCeiling` → "monthly token ceiling", `display_name` → "display name". */
export function fieldLabel(field: string): string {
  return field
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim()
}
