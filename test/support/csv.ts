/**
 * RFC 4180 CSV, read as a spreadsheet would: quoted cells may hold commas, quotes ("") and line
 * breaks. Each cell comes with its text as written, to check the quoting itself.
 */

export interface CsvCell {
  /** The cell as written, quotes and all. */
  raw: string
  value: string
}

export function parseCsv(text: string): CsvCell[][] {
  const records: CsvCell[][] = []
  let record: CsvCell[] = []
  let raw = ''
  let value = ''
  let quoted = false
  const endCell = () => {
    record.push({ raw, value })
    raw = ''
    value = ''
  }
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!
    if (quoted) {
      raw += char
      if (char !== '"') value += char
      else if (text[index + 1] === '"') {
        raw += '"'
        value += '"'
        index += 1
      } else quoted = false
    } else if (char === '"') {
      raw += char
      quoted = true
    } else if (char === ',') endCell()
    else if (char === '\n' || (char === '\r' && text[index + 1] === '\n')) {
      if (char === '\r') index += 1
      endCell()
      records.push(record)
      record = []
    } else {
      raw += char
      value += char
    }
  }
  if (quoted) throw new Error('an unterminated quoted cell')
  if (raw !== '' || record.length > 0) {
    endCell()
    records.push(record)
  }
  return records
}
