/** Matching picked files to notebook sources for the re-attach dialog. Pure. */
import { formatFromName } from '../../notebook/model';

/** A source whose data is not loaded, as the re-attach dialog lists it. */
export interface ReattachSource {
  /** Table name. */
  name: string;
  /** Path of the original file (only its last segment matters here). */
  path: string;
  format?: string;
  /** Size of the original file in bytes, when known. */
  size?: number;
  /** The table's column names when the notebook was saved. */
  columns?: readonly string[];
}

/** Files assigned to sources, and the files no source took. */
export interface FileMatch<F extends { name: string }> {
  /** Source name → file. */
  matched: Map<string, F>;
  /** Sources matched by their columns rather than by file name. */
  bySchema: Set<string>;
  unmatched: F[];
}

/** The least share of a source's saved columns a file of another name must have to be offered for it. */
export const SCHEMA_COVERAGE = 0.8;

/**
 * The saved columns of a source that a file lacks (compared case-insensitively, as DuckDB does).
 * @param expected the source's saved column names
 * @param actual the file's column names
 */
export function missingColumns(expected: readonly string[], actual: readonly string[]): string[] {
  const have = new Set(actual.map((c) => c.toLowerCase()));
  return expected.filter((c) => !have.has(c.toLowerCase()));
}

/** Whether a file's known columns rule it out for a source with saved columns. */
function unlike(source: ReattachSource, columns: readonly string[] | undefined): boolean {
  return source.columns !== undefined && columns !== undefined && coverage(source.columns, columns) < SCHEMA_COVERAGE;
}

function coverage(expected: readonly string[], actual: readonly string[]): number {
  return expected.length ? 1 - missingColumns(expected, actual).length / expected.length : 0;
}


/**
 * The last segment of a path or URL (`data/Kunden.csv` → `Kunden.csv`).
 * @param path a path with `/` or `\` separators
 */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

function kindOfFile(name: string): string {
  const dot = name.lastIndexOf('.');
  return formatFromName(name) ?? (dot > 0 ? name.slice(dot + 1).toLowerCase() : '');
}

function kindOfSource(source: ReattachSource): string {
  return source.format ?? kindOfFile(baseName(source.path));
}

/**
 * Assigns files to sources: first by file name (case-insensitive) against the source path's last
 * segment; then, for sources with saved columns, by schema: a file whose columns cover at least
 * `SCHEMA_COVERAGE` of a source's goes to the source it covers best, when no other file covers that
 * source as well and the file covers no other source as well; last, by format (extension) when
 * exactly one file fits a source and that file fits no other source. Each file goes to at most one
 * source.
 * @param sources the sources to fill
 * @param files the picked or dropped files
 * @param taken sources that already have a file: only an exact name match replaces it
 * @param columnsOf a file's column names, when known (inspected)
 */
export function matchFiles<F extends { name: string }>(
  sources: readonly ReattachSource[],
  files: readonly F[],
  taken: ReadonlySet<string> = new Set(),
  columnsOf: (file: F) => readonly string[] | undefined = () => undefined
): FileMatch<F> {
  const matched = new Map<string, F>();
  const bySchema = new Set<string>();
  const left = new Set(files);
  for (const file of files) {
    const name = file.name.toLowerCase();
    const source = sources.find((s) => !matched.has(s.name) && baseName(s.path).toLowerCase() === name);
    if (source) {
      matched.set(source.name, file);
      left.delete(file);
    }
  }
  const open = sources.filter((s) => !matched.has(s.name) && !taken.has(s.name));
  const pairs = open.flatMap((source) =>
    [...left].flatMap((file) => {
      const columns = columnsOf(file);
      const score = source.columns && columns ? coverage(source.columns, columns) : 0;
      return score >= SCHEMA_COVERAGE ? [{ source, file, score }] : [];
    })
  );
  for (const pair of pairs) {
    const { source, file, score } = pair;
    const best = pairs.every((p) => p === pair || (p.source !== source && p.file !== file) || p.score < score);
    if (!best) continue;
    matched.set(source.name, file);
    bySchema.add(source.name);
    left.delete(file);
  }
  for (const source of open) {
    if (matched.has(source.name)) continue;
    const kind = kindOfSource(source);
    if (!kind) continue;
    const candidates = [...left].filter((f) => kindOfFile(f.name) === kind && !unlike(source, columnsOf(f)));
    if (candidates.length !== 1) continue;
    const rivals = open.filter((s) => !matched.has(s.name) && kindOfSource(s) === kind);
    if (rivals.length !== 1) continue;
    matched.set(source.name, candidates[0]);
    left.delete(candidates[0]);
  }
  return { matched, bySchema, unmatched: [...left] };
}
