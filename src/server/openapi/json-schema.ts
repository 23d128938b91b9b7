/**
 * @module json-schema
 * zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1) as zod itself writes it, so every
 * pattern, bound and enum in the document is the very one the server checks: `pattern` carries
 * zod's own regex (uuid, email, date-time, slug), and `format` is only an annotation beside it.
 *
 * What zod's output cannot say is that the server first normalises some strings (trims them,
 * lowercases them) and checks the result: a slug pattern of lowercase letters would read as
 * "must be lowercase" while the server accepts `My-Slug`. Such strings get a description saying
 * so, found by running the schema's own normalising steps on a probe.
 */
import { z } from 'zod'

export type JsonSchema = Record<string, unknown>

interface OverwriteCheck {
  _zod: { def: { check: string; tx?: (value: string) => string } }
}

const probe = '  Ab  '

/** What the string schema's normalising steps (zod's `overwrite` checks) do before its checks run. */
function normalisationOf(schema: z.core.$ZodType): string | null {
  const def = schema._zod.def as { type: string; checks?: OverwriteCheck[] }
  if (def.type !== 'string') return null
  let value = probe
  for (const check of def.checks ?? []) {
    if (check._zod.def.check === 'overwrite' && check._zod.def.tx) value = check._zod.def.tx(value)
  }
  if (value === probe) return null
  const steps = [
    value.length < probe.length ? 'surrounding whitespace is trimmed' : null,
    value.includes('a') && !value.includes('A') ? 'letters are lowercased' : null,
    value.includes('B') && !value.includes('b') ? 'letters are uppercased' : null,
  ].filter(Boolean)
  return steps.length ? `Before the checks below, ${steps.join(' and ')}.` : 'The server normalises this value before the checks below.'
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override:
      io === 'input'
        ? ({ zodSchema, jsonSchema }) => {
            const note = normalisationOf(zodSchema)
            if (note) jsonSchema.description = jsonSchema.description ? `${jsonSchema.description} ${note}` : note
          }
        : undefined,
  }) as JsonSchema
  return rest
}
