/**
 * Column type inference and conversion for CSV text columns. Everything is read as VARCHAR first;
 * one aggregate query counts, per column, how many values match each candidate pattern (integers,
 * German and English numbers, booleans, date formats), and pure functions here decide each
 * column's type from those counts and build the SQL that converts it. Conversions are guarded by
 * the same full-match patterns, so a value that does not fit becomes NULL (and is counted) instead
 * of being cast loosely: `TRY_CAST('1.5' AS BIGINT)` is 2 and `'01067'` would become 1067.
 */
import { note, type Note } from '../i18n/note';
import { ident, join, lit, sql, type SqlFragment } from './quote';

export type CsvType = 'BIGINT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN' | 'VARCHAR';
export type NumberLocale = 'de' | 'en';

/** RE2 patterns, matched against the whole trimmed value. */
export const PATTERNS = {
  /** Integer without leading zeros (so postcodes and IDs like `01067` stay text), at most 18 digits. */
  int: '-?(0|[1-9]\\d{0,17})',
  leadingZero: '-?0\\d+',
  deNumber: '-?(0|[1-9]\\d{0,2}(\\.\\d{3})+|[1-9]\\d*)(,\\d+)?',
  deInteger: '-?(0|[1-9]\\d{0,2}(\\.\\d{3}){1,5}|[1-9]\\d{0,17})',
  enNumber: '-?(0|[1-9]\\d{0,2}(,\\d{3})+|[1-9]\\d*)(\\.\\d+)?([eE][-+]?\\d{1,3})?',
  enInteger: '-?(0|[1-9]\\d{0,2}(,\\d{3}){1,5}|[1-9]\\d{0,17})'
} as const;

/** A family of boolean words; `single` families may show only one of the two words. */
export interface BoolFamily {
  id: string;
  yes: string;
  no: string;
  single: boolean;
}

/** Boolean spellings. Except for true/false, both words must occur (a column of `NO` is Norway). */
export const BOOL_FAMILIES: readonly BoolFamily[] = [
  { id: 'tf', yes: 'true', no: 'false', single: true },
  { id: 'jn', yes: 'ja', no: 'nein', single: false },
  { id: 'yn', yes: 'yes', no: 'no', single: false },
  { id: 'wf', yes: 'wahr', no: 'falsch', single: false }
];

/** A date or timestamp spelling: a guard pattern plus `strptime` formats (or a plain cast). */
export interface DateFormatDef {
  id: string;
  type: 'DATE' | 'TIMESTAMP';
  /** Full-match guard; null for a user-given format (the formats alone decide). */
  pattern: string | null;
  /** `strptime` formats, or `cast` for DuckDB's own ISO parser. */
  formats: string[] | 'cast';
  /** How the profile names it; `.text` in English. */
  label: Note;
}

/** Candidate date formats, tried in order. Offsets (`+02:00`) are left out: a cast would drop them. */
export const DATE_FORMATS: readonly DateFormatDef[] = [
  { id: 'de_date', type: 'DATE', pattern: '\\d{1,2}\\.\\d{1,2}\\.\\d{4}', formats: ['%d.%m.%Y'], label: note('convDate', { format: '%d.%m.%Y' }) },
  {
    id: 'de_ts',
    type: 'TIMESTAMP',
    pattern: '\\d{1,2}\\.\\d{1,2}\\.\\d{4},? \\d{1,2}:\\d{2}(:\\d{2})?',
    formats: ['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y, %H:%M:%S', '%d.%m.%Y, %H:%M'],
    label: note('convTimestamp', { format: '%d.%m.%Y %H:%M' })
  },
  { id: 'iso_date', type: 'DATE', pattern: '\\d{4}-\\d{2}-\\d{2}', formats: 'cast', label: note('convStandardDate', { standard: 'ISO' }) },
  {
    id: 'iso_ts',
    type: 'TIMESTAMP',
    pattern: '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?Z?',
    formats: 'cast',
    label: note('convStandardTimestamp', { standard: 'ISO' })
  },
  { id: 'dmy_slash', type: 'DATE', pattern: '\\d{1,2}/\\d{1,2}/\\d{4}', formats: ['%d/%m/%Y'], label: note('convDate', { format: '%d/%m/%Y' }) },
  { id: 'mdy_slash', type: 'DATE', pattern: '\\d{1,2}/\\d{1,2}/\\d{4}', formats: ['%m/%d/%Y'], label: note('convDate', { format: '%m/%d/%Y' }) }
];

/**
 * A date format given by the user (`CsvOptions.dateFormat`); it is a timestamp when it has a time part.
 * @param format strftime-style format, e.g. `%d.%m.%Y`
 */
export function userDateFormat(format: string): DateFormatDef {
  const timestamp = /%[HIMSfpTR]/.test(format);
  return {
    id: 'user',
    type: timestamp ? 'TIMESTAMP' : 'DATE',
    pattern: null,
    formats: [format],
    label: note(timestamp ? 'convTimestamp' : 'convDate', { format })
  };
}

/** How one column is turned from text into its type. */
export type Conversion =
  | { kind: 'text'; type: 'VARCHAR'; label?: Note }
  | { kind: 'int'; type: 'BIGINT' }
  | { kind: 'number'; type: 'BIGINT' | 'DOUBLE'; locale: NumberLocale }
  | { kind: 'bool'; type: 'BOOLEAN'; family: BoolFamily | null }
  | { kind: 'date'; type: 'DATE' | 'TIMESTAMP'; format: DateFormatDef };

/** Counts for one column over some rows; keys as built by `statsQuery`. */
export interface ColumnStats {
  /** Non-empty values. */
  n: number;
  int: number;
  leadingZero: number;
  de: number;
  en: number;
  deFraction: number;
  enFraction: number;
  bool: Record<string, { yes: number; no: number }>;
  dates: Record<string, number>;
  /** Total characters of the values (for the memory estimate). */
  chars: number;
}

/** Cell texts that mean "no value" in exports (German Excel writes `#NV`); NULL in typed columns. */
export const NULL_TOKENS = ['', '-', '--', 'NA', 'N/A', 'n/a', 'NULL', 'null', '#NV', '#N/A', 'NaN'];

/**
 * The trimmed value of a raw column, NULL when empty or a placeholder from `NULL_TOKENS`.
 * @param column raw (VARCHAR) column name
 */
export function valueOf(column: string): SqlFragment {
  const v = sql`trim(${ident(column)})`;
  return sql`CASE WHEN list_contains([${NULL_TOKENS.map((t) => lit(t))}], ${v}) THEN NULL ELSE ${v} END`;
}

function matches(v: SqlFragment, pattern: string): SqlFragment {
  return sql`regexp_full_match(${v}, ${lit(pattern)})`;
}

const SPECIFIERS: Record<string, string> = {
  d: '\\d{1,2}',
  e: '\\d{1,2}',
  m: '\\d{1,2}',
  H: '\\d{1,2}',
  I: '\\d{1,2}',
  Y: '\\d{4}',
  y: '\\d{2}',
  M: '\\d{2}',
  S: '\\d{2}',
  f: '\\d{1,6}',
  j: '\\d{1,3}',
  b: '\\pL+\\.?',
  B: '\\pL+',
  a: '\\pL+\\.?',
  A: '\\pL+',
  p: '[AaPp][Mm]',
  z: '[+-]\\d{2}:?\\d{2}',
  '%': '%'
};

/**
 * A full-match pattern for the strings a `strptime` format accepts, used as a guard: DuckDB's
 * `try_strptime` is fast on success but takes microseconds per failing value.
 * @param format strftime-style format
 */
export function formatPattern(format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '%' && i + 1 < format.length) {
      const spec = format[++i] === '-' ? format[++i] : format[i];
      out += SPECIFIERS[spec] ?? '.+?';
    } else {
      out += /[A-Za-z0-9 ]/.test(ch) ? ch : `\\${ch}`;
    }
  }
  return out;
}

function strptime(v: SqlFragment, formats: readonly string[]): SqlFragment {
  const cases = formats.map((f) => sql`WHEN ${matches(v, formatPattern(f))} THEN try_strptime(${v}, ${lit(f)})`);
  return sql`CASE ${join(cases, ' ')} END`;
}

function parseDate(v: SqlFragment, f: DateFormatDef): SqlFragment {
  if (f.formats === 'cast') {
    const cast = sql`TRY_CAST(${v} AS ${f.type === 'DATE' ? sql`DATE` : sql`TIMESTAMP`})`;
    return f.pattern === null ? cast : sql`CASE WHEN ${matches(v, f.pattern)} THEN ${cast} END`;
  }
  return f.type === 'DATE' ? sql`CAST(${strptime(v, f.formats)} AS DATE)` : strptime(v, f.formats);
}

function statAlias(i: number, key: string): SqlFragment {
  return ident(`s${i}_${key}`);
}

/**
 * Copies rows of the raw table into a values table: a `first` flag (raw `rowid` 0) and, per
 * column, the cleaned value (`valueOf`) as `v0`, `v1`, …. Expressions then refer to plain
 * columns: inlined into a few hundred aggregates, `valueOf` made DuckDB's planner run out of memory.
 * @param raw the raw all-VARCHAR table
 * @param target the values table to (re)create
 * @param columns raw column names
 * @param limit only records with `rowid` below this
 */
export function statsValuesQuery(raw: string, target: string, columns: readonly string[], limit: number): SqlFragment {
  const values = columns.map((c, i) => sql`${valueOf(c)} AS ${ident(`v${i}`)}`);
  return sql`CREATE OR REPLACE TEMP TABLE ${ident(target)} AS SELECT rowid = 0 AS "first", ${values} FROM ${ident(raw)} WHERE rowid < ${limit}`;
}

/**
 * The aggregate query behind `ColumnStats` over a table made by `statsValuesQuery`: one result
 * row for the first record (`first = true`) and one for the others.
 * @param table the values table
 * @param from first value column index (`v{from}`) to measure
 * @param count number of value columns to measure
 * @param dateFormats candidate date formats
 */
export function statsQuery(table: string, from: number, count: number, dateFormats: readonly DateFormatDef[]): SqlFragment {
  const flags: SqlFragment[] = [];
  const parts: SqlFragment[] = [];
  for (let i = 0; i < count; i++) {
    const name = (key: string) => ident(`${key}${from + i}`);
    const v = name('v');
    const digit = name('digit');
    const when = (cond: SqlFragment) => sql`(${digit} AND ${cond})`;
    flags.push(
      v,
      sql`length(${v}) AS ${name('len')}`,
      sql`lower(${v}) AS ${name('low')}`,
      sql`regexp_full_match(${v}, '-?[0-9].*') AS ${digit}`
    );
    flags.push(
      sql`${when(matches(v, PATTERNS.int))} AS ${name('int')}`,
      sql`${when(matches(v, PATTERNS.leadingZero))} AS ${name('lz')}`,
      sql`${when(matches(v, PATTERNS.deNumber))} AS ${name('de')}`,
      sql`${when(matches(v, PATTERNS.enNumber))} AS ${name('en')}`,
      sql`contains(${v}, ',') AS ${name('comma')}`,
      sql`regexp_matches(${v}, '[.eE]') AS ${name('dot')}`
    );
    dateFormats.forEach((f, k) => {
      const parsed = sql`${parseDate(v, f)} IS NOT NULL`;
      flags.push(sql`${f.id === 'user' ? parsed : when(parsed)} AS ${name(`d${k}_`)}`);
    });
    const low = name('low');
    parts.push(
      sql`count(${v}) AS ${statAlias(i, 'n')}`,
      sql`coalesce(sum(${name('len')}), 0) AS ${statAlias(i, 'chars')}`,
      sql`count_if(${name('int')}) AS ${statAlias(i, 'int')}`,
      sql`count_if(${name('lz')}) AS ${statAlias(i, 'leadingZero')}`,
      sql`count_if(${name('de')}) AS ${statAlias(i, 'de')}`,
      sql`count_if(${name('en')}) AS ${statAlias(i, 'en')}`,
      sql`count_if(${name('de')} AND ${name('comma')}) AS ${statAlias(i, 'deFraction')}`,
      sql`count_if(${name('en')} AND ${name('dot')}) AS ${statAlias(i, 'enFraction')}`
    );
    for (const b of BOOL_FAMILIES) {
      parts.push(
        sql`count_if(${low} = ${lit(b.yes)}) AS ${statAlias(i, `bool_${b.id}_yes`)}`,
        sql`count_if(${low} = ${lit(b.no)}) AS ${statAlias(i, `bool_${b.id}_no`)}`
      );
    }
    dateFormats.forEach((f, k) => parts.push(sql`count_if(${name(`d${k}_`)}) AS ${statAlias(i, `date_${f.id}`)}`));
  }
  return sql`SELECT "first", ${parts} FROM (SELECT "first", ${flags} FROM ${ident(table)}) GROUP BY "first"`;
}

/**
 * Reads the rows of `statsQuery` back into per-column stats for the first record and the rest.
 * @param rows result rows of `statsQuery`
 * @param count number of columns measured
 * @param dateFormats the same formats passed to `statsQuery`
 */
export function parseStats(
  rows: readonly Record<string, unknown>[],
  count: number,
  dateFormats: readonly DateFormatDef[]
): { first: ColumnStats[]; rest: ColumnStats[] } {
  const pick = (row: Record<string, unknown> | undefined): ColumnStats[] =>
    Array.from({ length: count }, (_, i) => {
      const get = (key: string): number => Number(row?.[`s${i}_${key}`] ?? 0);
      return {
        n: get('n'),
        chars: get('chars'),
        int: get('int'),
        leadingZero: get('leadingZero'),
        de: get('de'),
        en: get('en'),
        deFraction: get('deFraction'),
        enFraction: get('enFraction'),
        bool: Object.fromEntries(BOOL_FAMILIES.map((b) => [b.id, { yes: get(`bool_${b.id}_yes`), no: get(`bool_${b.id}_no`) }])),
        dates: Object.fromEntries(dateFormats.map((f) => [f.id, get(`date_${f.id}`)]))
      };
    });
  return { first: pick(rows.find((r) => r.first === true)), rest: pick(rows.find((r) => r.first !== true)) };
}

/**
 * Adds two sets of counts (first record plus the rest, when the file has no header).
 * @param a counts
 * @param b counts
 */
export function addStats(a: ColumnStats, b: ColumnStats): ColumnStats {
  return {
    n: a.n + b.n,
    chars: a.chars + b.chars,
    int: a.int + b.int,
    leadingZero: a.leadingZero + b.leadingZero,
    de: a.de + b.de,
    en: a.en + b.en,
    deFraction: a.deFraction + b.deFraction,
    enFraction: a.enFraction + b.enFraction,
    bool: Object.fromEntries(
      Object.keys(a.bool).map((k) => [k, { yes: a.bool[k].yes + (b.bool[k]?.yes ?? 0), no: a.bool[k].no + (b.bool[k]?.no ?? 0) }])
    ),
    dates: Object.fromEntries(Object.keys(a.dates).map((k) => [k, a.dates[k] + (b.dates[k] ?? 0)]))
  };
}

/**
 * Which locale the numbers of a column can be read in: only one, both (`1.234`), none, or plain integers.
 * @param s the column's counts
 */
export function numberEvidence(s: ColumnStats): 'de' | 'en' | 'both' | 'none' | 'int' {
  if (s.n === 0) return 'none';
  if (s.int === s.n) return 'int';
  const de = s.de === s.n;
  const en = s.en === s.n;
  if (de && en) return 'both';
  if (de) return 'de';
  if (en) return 'en';
  return 'none';
}

/**
 * Decides the file's number locale: the user's choice, else the locale that some column proves
 * (`12,5` or `1.234,56` can only be German; `12.5` or `1,234.56` only English) when no column
 * proves the other. Null when the values do not tell.
 * @param stats per-column counts
 * @param override `CsvOptions.numberLocale`
 */
export function decideLocale(stats: readonly ColumnStats[], override?: NumberLocale): NumberLocale | null {
  if (override) return override;
  const evidence = stats.map(numberEvidence);
  const de = evidence.includes('de');
  const en = evidence.includes('en');
  if (de && !en) return 'de';
  if (en && !de) return 'en';
  return null;
}

const POSTCODE_NAME = /^(plz|postleitzahl|zip|zip[ _-]?code|post[ _-]?code|postal[ _-]?code)$/i;

/** A column's conversion, plus a warning when the choice was a judgement call. */
export interface ColumnDecision {
  conversion: Conversion;
  warning?: Note;
}

/** Context for `decideColumn` that is the same for every column of a file. */
export interface FileTypeContext {
  /** From `decideLocale`, or null when the values do not tell. */
  locale: NumberLocale | null;
  /** Whether the user set the locale (then it is applied strictly). */
  localeForced: boolean;
  /** Locale to assume for numbers like `1.234` when the values do not tell (from the delimiter). */
  fallbackLocale: NumberLocale | null;
  dateFormats: readonly DateFormatDef[];
}

/**
 * Picks a column's type from its counts. Ambiguous cases stay text with a warning rather than
 * becoming wrong numbers or dates.
 * @param name final column name (for messages and the postcode rule)
 * @param s the column's counts
 * @param ctx file-level context
 */
export function decideColumn(name: string, s: ColumnStats, ctx: FileTypeContext): ColumnDecision {
  const text: Conversion = { kind: 'text', type: 'VARCHAR' };
  if (s.n === 0) return { conversion: text };
  if (s.int === s.n) {
    if (POSTCODE_NAME.test(name.trim())) return { conversion: { ...text, label: note('convTextPostcode') } };
    return { conversion: { kind: 'int', type: 'BIGINT' } };
  }
  for (const b of BOOL_FAMILIES) {
    const c = s.bool[b.id];
    if (c && c.yes + c.no === s.n && (b.single || (c.yes > 0 && c.no > 0))) {
      return { conversion: { kind: 'bool', type: 'BOOLEAN', family: b } };
    }
  }
  const dates = ctx.dateFormats.filter((f) => s.dates[f.id] === s.n);
  if (dates.length > 0) {
    const [f, g] = dates;
    if (!g || f.id === 'user' || f.pattern !== g.pattern) return { conversion: { kind: 'date', type: f.type, format: f } };
    return {
      conversion: text,
      warning: note('csvAmbiguousDates', { name })
    };
  }
  const evidence = numberEvidence(s);
  const number = (locale: NumberLocale): Conversion => ({
    kind: 'number',
    type: (locale === 'de' ? s.deFraction : s.enFraction) > 0 ? 'DOUBLE' : 'BIGINT',
    locale
  });
  if (ctx.localeForced && ctx.locale) {
    if ((ctx.locale === 'de' ? s.de : s.en) === s.n) return { conversion: number(ctx.locale) };
    if (evidence === 'de' || evidence === 'en') {
      return {
        conversion: text,
        warning: note(evidence === 'de' ? 'csvGermanNumbers' : 'csvEnglishNumbers', { name })
      };
    }
  } else if (evidence === 'de' || evidence === 'en') {
    return { conversion: number(evidence) };
  } else if (evidence === 'both') {
    if (ctx.locale) return { conversion: number(ctx.locale) };
    if (ctx.fallbackLocale) {
      const conversion = number(ctx.fallbackLocale);
      return { conversion, warning: note(ctx.fallbackLocale === 'de' ? 'csvGermanThousands' : 'csvEnglishThousands', { name }) };
    }
    return {
      conversion: text,
      warning: note('csvAmbiguousNumbers', { name })
    };
  }
  if (s.leadingZero > 0) return { conversion: { ...text, label: note('convTextLeadingZeros') } };
  return { conversion: text };
}

/**
 * The conversion a user forces through `CsvOptions.columnTypes`; values that do not fit become NULL.
 * @param type the wanted type (case-insensitive)
 * @param detected what inference chose, reused for its date format
 * @param locale number locale to read numbers with
 * @param dateFormat the user's date format, if any
 */
export function forcedConversion(type: string, detected: Conversion, locale: NumberLocale, dateFormat?: string): Conversion {
  const t = type.trim().toUpperCase();
  const dateFormatFor = (want: 'DATE' | 'TIMESTAMP'): DateFormatDef => {
    if (dateFormat) return { ...userDateFormat(dateFormat), type: want };
    if (detected.kind === 'date') return { ...detected.format, type: want };
    return { id: 'cast', type: want, pattern: null, formats: 'cast', label: note(want === 'DATE' ? 'convStandardDate' : 'convStandardTimestamp', { standard: 'ISO' }) };
  };
  switch (t) {
    case 'VARCHAR':
    case 'TEXT':
    case 'STRING':
      return { kind: 'text', type: 'VARCHAR' };
    case 'BIGINT':
    case 'INTEGER':
    case 'INT':
      return { kind: 'number', type: 'BIGINT', locale: detected.kind === 'number' ? detected.locale : locale };
    case 'DOUBLE':
    case 'FLOAT':
    case 'REAL':
    case 'DECIMAL':
    case 'NUMERIC':
      return { kind: 'number', type: 'DOUBLE', locale: detected.kind === 'number' ? detected.locale : locale };
    case 'DATE':
      return { kind: 'date', type: 'DATE', format: dateFormatFor('DATE') };
    case 'TIMESTAMP':
    case 'DATETIME':
      return { kind: 'date', type: 'TIMESTAMP', format: dateFormatFor('TIMESTAMP') };
    case 'BOOLEAN':
    case 'BOOL':
      return { kind: 'bool', type: 'BOOLEAN', family: null };
    default:
      throw new RangeError(`Unknown column type "${type}"; use VARCHAR, BIGINT, DOUBLE, DATE, TIMESTAMP or BOOLEAN.`);
  }
}

/**
 * SQL converting a value; a value that does not fit gives NULL.
 * @param v for typed conversions the cleaned value (`valueOf`, or a column holding it); for
 *   text, the raw value (returned as is)
 * @param c how to convert
 */
export function convertExpr(v: SqlFragment, c: Conversion): SqlFragment {
  switch (c.kind) {
    case 'text':
      return v;
    case 'int':
      return sql`CASE WHEN ${matches(v, PATTERNS.int)} THEN TRY_CAST(${v} AS BIGINT) END`;
    case 'number':
      if (c.type === 'BIGINT') {
        const pattern = c.locale === 'de' ? PATTERNS.deInteger : PATTERNS.enInteger;
        const digits = sql`replace(${v}, ${lit(c.locale === 'de' ? '.' : ',')}, '')`;
        return sql`CASE WHEN ${matches(v, pattern)} THEN TRY_CAST(${digits} AS BIGINT) END`;
      }
      if (c.locale === 'de') {
        return sql`CASE WHEN ${matches(v, PATTERNS.deNumber)} THEN TRY_CAST(replace(replace(${v}, '.', ''), ',', '.') AS DOUBLE) END`;
      }
      return sql`CASE WHEN ${matches(v, PATTERNS.enNumber)} THEN TRY_CAST(replace(${v}, ',', '') AS DOUBLE) END`;
    case 'bool': {
      const families = c.family ? [c.family] : BOOL_FAMILIES;
      const yes = [...families.map((b) => lit(b.yes)), ...(c.family ? [] : [lit('1'), lit('j'), lit('y')])];
      const no = [...families.map((b) => lit(b.no)), ...(c.family ? [] : [lit('0'), lit('n')])];
      return sql`CASE WHEN lower(${v}) IN (${yes}) THEN TRUE WHEN lower(${v}) IN (${no}) THEN FALSE END`;
    }
    case 'date':
      return parseDate(v, c.format);
  }
}

/**
 * SQL that turns an already converted column back into text close to how the file wrote it, for
 * widening a column to VARCHAR when a later value does not fit.
 * @param column the typed column in the target table
 * @param c its current conversion
 */
export function backToText(column: string, c: Conversion): SqlFragment {
  const col = ident(column);
  if (c.kind === 'date' && c.format.formats !== 'cast') {
    return sql`strftime(${col}, ${lit(c.format.formats[0])})`;
  }
  if (c.kind === 'bool' && c.family) return sql`CASE ${col} WHEN TRUE THEN ${lit(c.family.yes)} WHEN FALSE THEN ${lit(c.family.no)} END`;
  return sql`CAST(${col} AS VARCHAR)`;
}

/**
 * How a conversion is described to the user (`LoadResult.conversions`), as a note the UI says in
 * its language (`.text` is the English); undefined for plain text.
 * @param c the conversion
 */
export function conversionLabel(c: Conversion): Note | undefined {
  switch (c.kind) {
    case 'text':
      return c.label;
    case 'int':
      return note('convInteger');
    case 'number':
      if (c.locale === 'de') return note(c.type === 'DOUBLE' ? 'convGermanNumber' : 'convGermanInteger');
      return note(c.type === 'DOUBLE' ? 'convEnglishNumber' : 'convEnglishInteger');
    case 'bool':
      return c.family ? note('convBooleanPair', { yes: c.family.yes, no: c.family.no }) : note('convBoolean');
    case 'date':
      return c.format.label;
  }
}

/**
 * Bytes DuckDB needs per value of a type in memory (uncompressed): fixed widths, and for strings
 * the 16-byte `string_t` plus the characters when longer than the 12 it stores inline.
 * @param type column type
 * @param meanChars mean string length (VARCHAR only)
 */
export function bytesPerValue(type: CsvType, meanChars = 0): number {
  switch (type) {
    case 'BOOLEAN':
      return 1;
    case 'DATE':
      return 4;
    case 'BIGINT':
    case 'DOUBLE':
    case 'TIMESTAMP':
      return 8;
    case 'VARCHAR':
      return 16 + (meanChars > 12 ? meanChars : 0);
  }
}

/**
 * Builds a `expr AS name, …` select list.
 * @param items expressions and the (quoted) names to give them
 */
export function selectList(items: readonly { expr: SqlFragment; name: string }[]): SqlFragment {
  return join(items.map((x) => sql`${x.expr} AS ${ident(x.name)}`));
}

/**
 * SQL for a column type (from the fixed set only).
 * @param type the type
 */
export function typeSql(type: CsvType): SqlFragment {
  const types: Record<CsvType, SqlFragment> = {
    BIGINT: sql`BIGINT`,
    DOUBLE: sql`DOUBLE`,
    DATE: sql`DATE`,
    TIMESTAMP: sql`TIMESTAMP`,
    BOOLEAN: sql`BOOLEAN`,
    VARCHAR: sql`VARCHAR`
  };
  return types[type];
}

/**
 * How many of a column's values fit a conversion, from its counts.
 * @param s the counts
 * @param c the conversion
 */
export function fitCount(s: ColumnStats, c: Conversion): number {
  switch (c.kind) {
    case 'text':
      return s.n;
    case 'int':
      return s.int;
    case 'number':
      return c.locale === 'de' ? s.de : s.en;
    case 'bool':
      return c.family ? s.bool[c.family.id].yes + s.bool[c.family.id].no : s.n;
    case 'date':
      return s.dates[c.format.id] ?? 0;
  }
}

/**
 * Whether a value (counted alone) reads as anything but text: a number, date or boolean word.
 * @param s counts over one value
 */
function looksTyped(s: ColumnStats): boolean {
  return (
    s.int + s.de + s.en > 0 ||
    Object.values(s.dates).some((d) => d > 0) ||
    Object.values(s.bool).some((b) => b.yes + b.no > 0)
  );
}

/**
 * Decides whether the first record is a header. Yes when a typed column (judged on the other
 * records) starts with a value that reads as plain text (`Betrag` above numbers); no when typed
 * columns exist but none starts so. When every column is text: yes when the first record's cells
 * are all filled, distinct and none reads as a number or date (DuckDB's sniffer decides alike).
 * @param first counts over the first record
 * @param conversions per-column conversions decided on the other records
 * @param cells the first record's cells
 */
export function looksLikeHeader(first: readonly ColumnStats[], conversions: readonly Conversion[], cells: readonly (string | null)[]): boolean {
  let typed = false;
  for (let i = 0; i < conversions.length; i++) {
    if (conversions[i].kind === 'text') continue;
    typed = true;
    if (first[i] && first[i].n === 1 && !looksTyped(first[i])) return true;
  }
  if (typed) return false;
  const filled = cells.map((c) => (c ?? '').trim());
  if (filled.length === 0 || filled.some((c) => c === '')) return false;
  if (new Set(filled.map((c) => c.toLowerCase())).size !== filled.length) return false;
  return first.slice(0, cells.length).every((s) => !looksTyped(s));
}

/**
 * Estimates the bytes DuckDB holds for a table in memory: per value its fixed width (strings: the
 * 16-byte header plus characters past 12), one validity bit, and 10 % for row-group and
 * dictionary slack.
 * @param rows row count
 * @param columns each column's type and mean string length
 */
export function estimateTableBytes(rows: number, columns: readonly { type: CsvType; meanChars: number }[]): number {
  const perRow = columns.reduce((sum, c) => sum + bytesPerValue(c.type, c.meanChars) + 0.125, 0);
  return Math.round(rows * perRow * 1.1);
}
