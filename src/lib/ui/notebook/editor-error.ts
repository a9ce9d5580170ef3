/**
 * Where to mark a SQL error in the editor: the word at the 1-based line and column DuckDB
 * reported, or the whole line when the column is unknown, or the first line when nothing is known.
 * Offsets are clamped to the text, so a stale position never throws.
 * @param text the cell's SQL
 * @param line 1-based line
 * @param column 1-based column
 */
export function errorRange(text: string, line?: number, column?: number): { from: number; to: number } {
  const lines = text.split('\n');
  const index = Math.min(Math.max((line ?? 1) - 1, 0), Math.max(lines.length - 1, 0));
  const start = lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
  const content = lines[index] ?? '';
  if (column === undefined) return { from: start, to: start + content.length };
  const at = Math.min(Math.max(column - 1, 0), content.length);
  let end = at;
  while (end < content.length && /[\p{L}\p{N}_$."]/u.test(content[end])) end++;
  if (end === at) end = Math.min(at + 1, content.length);
  return { from: start + at, to: start + Math.max(end, at) };
}
