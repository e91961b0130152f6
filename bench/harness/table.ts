/**
 * Plain-text tables for the terminal (and for pasting into notes and issues).
 *
 * @module
 */

/** A column: its header and which side its cells hug. */
export interface Column {
  readonly header: string;
  readonly align?: "left" | "right";
}

/** Lays out `cells` under `columns`, padded to the widest cell, with a rule under the header. */
export function formatTable(columns: readonly Column[], cells: readonly (readonly string[])[]) {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const line = (row: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = row[i] ?? "";
        const width = widths[i] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(columns.map((c) => c.header)), rule, ...cells.map(line)].join("\n");
}

/** A number with about three significant digits, without exponent notation. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
