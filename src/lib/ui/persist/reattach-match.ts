import { formatFromName } from '../../notebook/model';
/** Matching picked files to notebook sources for the re-attach dialog. Pure. */

/** A source whose data is not loaded, as the re-attach dialog lists it. */
export interface ReattachSource {
  /** Table name. */
  name: string;
  /** Path of the original file (only its last segment matters here). */
  path: string;
  format?: string;
  /** Size of the original file in bytes, when known. */
  size?: number;
}

/** Files assigned to sources, and the files no source took. */
export interface FileMatch<F extends { name: string }> {
  /** Source name → file. */
  matched: Map<string, F>;
  unmatched: F[];
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
 * segment, then, for sources still without a file, by format (extension) when exactly one file
 * fits a source and that file fits no other source. Each file goes to at most one source.
 * @param sources the sources to fill
 * @param files the picked or dropped files
 * @param taken sources that already have a file: only an exact name match replaces it
 */
export function matchFiles<F extends { name: string }>(
  sources: readonly ReattachSource[],
  files: readonly F[],
  taken: ReadonlySet<string> = new Set()
): FileMatch<F> {
  const matched = new Map<string, F>();
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
  for (const source of open) {
    const kind = kindOfSource(source);
    if (!kind) continue;
    const candidates = [...left].filter((f) => kindOfFile(f.name) === kind);
    if (candidates.length !== 1) continue;
    const rivals = open.filter((s) => !matched.has(s.name) && kindOfSource(s) === kind);
    if (rivals.length !== 1) continue;
    matched.set(source.name, candidates[0]);
    left.delete(candidates[0]);
  }
  return { matched, unmatched: [...left] };
}
