/**
 * @module csv-copy
 * What the CSV exports share: COPY straight from PostgreSQL with backpressure, never held in
 * memory; every cell quoted (RFC 4180), the header too; free text guarded against formulas for
 * spreadsheets that split on `,` or on `;`; times in UTC, ISO 8601, said so in the header.
 */
import { pipeline } from 'node:stream/promises'
import { Transform, type Writable } from 'node:stream'
import { to as copyTo } from 'pg-copy-streams'
import { abandonConnection, quoteLiteral, type DbClient } from '../db/pools.js'
import type { Bind } from './audit-query.js'

/** COPY takes no parameters: values (validated by the contract first) are inlined as escaped literals. */
export const literal: Bind = (value, cast) => `${quoteLiteral(String(value))}${cast ? `::${cast}` : ''}`

/**
 * A free-text cell a spreadsheet must not run: csv_safe guards a leading = + - @ tab or CR, and
 * the same characters right after a `;` are guarded too, because a spreadsheet that splits on `;`
 * (Excel in many locales) starts a new cell there and honours a quote only at a cell's start.
 */
export const guarded = (text: string) =>
  // The regular expression runs only on values that hold a `;`: most cells skip it, which keeps the export near COPY's own speed.
  `csv_safe(CASE WHEN strpos(${text}, ';') > 0 THEN regexp_replace(${text}, ';(?=[=+@\\t\\r-])', ';''', 'g') ELSE ${text} END)`

/** A timestamptz column as UTC ISO 8601 to the microsecond: `2024-05-01T12:00:00.000000Z`. */
export const utcIsoCell = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

/** The header of a time column formatted by utcIsoCell: the zone is in the header, not left to guess. */
export const csvTimeHeader = 'at (UTC, ISO 8601)'

/** COPY leaves its own header unquoted, so the header is written by hand, quoted like the cells. */
export function csvHeaderLine(names: readonly string[]): string {
  return `${names.map((name) => `"${name.replaceAll('"', '""')}"`).join(',')}\n`
}

/**
 * Streams `select` as CSV into `destination` with `header` in front, every cell quoted, so a
 * comma, quote, `;` or line break inside a value stays in its cell. Each selected column must be
 * text, NULL turned into '' (FORCE_QUOTE leaves a NULL unquoted). An abandoned stream cuts the
 * connection.
 */
export async function streamCsvCopy(client: DbClient, select: string, header: string, destination: Writable): Promise<void> {
  const copy = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)`))
  try {
    await pipeline(copy, headerFirst(header), destination)
  } catch (error) {
    abandonConnection(client)
    throw error
  }
}

/**
 * Passes the rows through with `header` in front, sent with the first chunk (or alone at the end),
 * so a query that fails at once still fails before the answer has started.
 */
function headerFirst(header: string): Transform {
  let sent = false
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!sent) {
        sent = true
        this.push(header)
      }
      callback(null, chunk)
    },
    flush(callback) {
      callback(null, sent ? undefined : header)
    },
  })
}
