/**
 * @module storable-text
 * Finds input text the database cannot hold faithfully, before any database work: a NUL
 * character (PostgreSQL text refuses it, which surfaced as a 500 — after an export had already
 * committed its audit row) and unpaired UTF-16 surrogates (not Unicode; they would be stored as
 * U+FFFD, silently changing what was sent).
 */

export interface UnstorableText {
  /** Dotted path of the field, e.g. `name` or `scopes.0`. */
  path: string
  message: string
}

const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export function unstorableReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character, which cannot be stored'
  if (unpairedSurrogate.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not Unicode text'
  return null
}

/** The first string (or object key) under `value` that cannot be stored, with its path. */
export function findUnstorableText(value: unknown, path: string[] = []): UnstorableText | null {
  if (typeof value === 'string') {
    const message = unstorableReason(value)
    return message ? { path: path.join('.') || '(root)', message } : null
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, String(index)])
      if (found) return found
    }
    return null
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unstorableReason(key)
      if (keyReason) return { path: [...path, key].join('.'), message: `its name ${keyReason}` }
      const found = findUnstorableText(item, [...path, key])
      if (found) return found
    }
  }
  return null
}
