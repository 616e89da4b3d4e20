/**
 * Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned.
 */

/** A table cell: text, a number (right-aligned) or nothing ("-"). */
export type Cell = string | number | null | undefined

/** Render rows under a header as aligned columns separated by two spaces. */
export const renderTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string => {
  const text = (cell: Cell): string => (cell === null || cell === undefined || cell === "" ? "-" : String(cell))
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => text(row[column]).length)))
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number" || row[column] === null || row[column] === undefined))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd()
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map((row) => line(header.map((_, column) => text(row[column]))))].join("\n")
}

/** A USD amount with enough digits for fractions of a cent; "unknown" when the price is not known. */
export const formatUsd = (usd: number | null | undefined): string =>
  usd === null || usd === undefined ? "unknown" : usd === 0 ? "$0" : usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`
