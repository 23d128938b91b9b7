import type { ReactNode } from 'react'
import { EmptyState } from './states'

export interface RecordColumn<Row> {
  header: string
  cell: (row: Row) => ReactNode
}

/** A short list of records as a table (members, keys, integrations), with an optional actions column. */
export function RecordTable<Row>({
  rows,
  rowKey,
  columns,
  actions,
  empty,
}: {
  rows: Row[]
  rowKey: (row: Row) => string
  columns: Array<RecordColumn<Row>>
  /** The last column's content for each row; no column at all when absent. */
  actions?: (row: Row) => ReactNode
  empty: string
}) {
  if (rows.length === 0) return <EmptyState title={empty} />
  return (
    <table className="data">
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header}>{column.header}</th>
          ))}
          {actions && (
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(row)}</td>
            ))}
            {actions && <td>{actions(row)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
