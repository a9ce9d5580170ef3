/**
 * Derives a friendly table name from a file name: lower case, letters (umlauts kept), digits and
 * `_`; never empty, never starting with a digit. Any name is safe in SQL because it is always
 * quoted; this only keeps names easy to type.
 * @param fileName e.g. `Kunden Übersicht (2025).csv`
 */
export function tableNameFromFile(fileName: string): string {
  const stem = fileName.replace(/\.(csv|tsv|txt|parquet|json|ndjson|jsonl|xlsx|arrow|ipc|feather)(\.gz)?$/i, '');
  let name = stem
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) name = 'table';
  if (/^\p{N}/u.test(name)) name = `t_${name}`;
  return name.slice(0, 63);
}

/**
 * Returns `name`, or `name_2`, `name_3`… — the first not in `taken` (compared case-insensitively,
 * as DuckDB does).
 * @param name wanted name
 * @param taken names in use
 */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  if (!used.has(name.toLowerCase())) return name;
  for (let i = 2; ; i++) {
    const candidate = `${name}_${i}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

/**
 * Makes a list of column names usable: empty names become `column_N` (1-based position),
 * duplicates (case-insensitive) get `_2`, `_3`…; everything else is kept verbatim.
 * @param names header cells as found in the file
 */
export function uniqueColumnNames(names: readonly (string | null | undefined)[]): string[] {
  const out: string[] = [];
  names.forEach((raw, i) => {
    const base = (raw ?? '').trim() || `column_${i + 1}`;
    out.push(uniqueName(base, out));
  });
  return out;
}
