/**
 * CSV record scanning without a full parser: finds where complete records end (outside quotes),
 * counts fields per record, and sniffs the delimiter and quote character. The state machine
 * follows DuckDB's reader: a quote opens a quoted field only at the start of a field, a doubled
 * quote inside one is a literal quote, and empty lines are skipped.
 */

/** The parts of a CSV dialect the scanner needs. An empty `quote` means fields are never quoted. */
export interface ScanDialect {
  delimiter: string;
  quote: string;
}

/** What `scanRecords` found in a piece of text. */
export interface ScanResult {
  /** Offset just after the last complete record (0 when there is none). */
  end: number;
  /** Complete, non-empty records in `text[0, end)`. */
  records: number;
  /** Records per field count. */
  fieldCounts: Map<number, number>;
  /** Field count of the first record (0 when there is none). */
  firstFields: number;
  /** Physical lines (line breaks inside quotes included) in `text[0, end)`. */
  lines: number;
  /** Whether a quoted field spans a line break (DuckDB then needs `parallel=false`). */
  quotedNewlines: boolean;
  /** With `final`: the text ends inside a quoted field. */
  unterminatedQuote: boolean;
  /** 1-based line (within `text`) where the quoted field that the scan stopped inside starts; 0 when it did not stop inside quotes. */
  openQuoteLine: number;
}

const LF = 10;
const CR = 13;

/**
 * Scans `text` from a record boundary and reports where the last complete record ends.
 * @param text decoded CSV text starting at a record boundary
 * @param dialect delimiter and quote (single characters; quote may be empty)
 * @param final whether `text` runs to the end of the file (a last record without a line break counts)
 * @param maxRecords stop after this many records
 */
export function scanRecords(text: string, dialect: ScanDialect, final: boolean, maxRecords = Infinity): ScanResult {
  const d = dialect.delimiter.charCodeAt(0);
  const q = dialect.quote ? dialect.quote.charCodeAt(0) : -1;
  const n = text.length;
  const fieldCounts = new Map<number, number>();
  let end = 0;
  let records = 0;
  let firstFields = 0;
  let lines = 0;
  let linesAtEnd = 0;
  let quotedNewlines = false;
  let fields = 1;
  let emptyLine = true;
  let fieldStart = true;
  let inQuotes = false;
  let quoteLine = 0;
  let i = 0;

  const finishRecord = (): void => {
    if (emptyLine) return;
    fieldCounts.set(fields, (fieldCounts.get(fields) ?? 0) + 1);
    if (++records === 1) firstFields = fields;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === q) {
        if (i + 1 >= n && !final) break;
        if (text.charCodeAt(i + 1) === q) {
          i += 2;
          continue;
        }
        inQuotes = false;
      } else if (c === LF || c === CR) {
        if (c === LF || text.charCodeAt(i + 1) !== LF) lines++;
        quotedNewlines = true;
      }
      i++;
      continue;
    }
    if (c === LF || c === CR) {
      if (c === CR) {
        if (i + 1 >= n && !final) break;
        if (text.charCodeAt(i + 1) === LF) i++;
      }
      i++;
      lines++;
      finishRecord();
      end = i;
      linesAtEnd = lines;
      fields = 1;
      emptyLine = true;
      fieldStart = true;
      if (records >= maxRecords) break;
      continue;
    }
    emptyLine = false;
    if (c === d) {
      fields++;
      fieldStart = true;
    } else if (c === q && fieldStart) {
      inQuotes = true;
      quoteLine = lines + 1;
      fieldStart = false;
    } else {
      fieldStart = false;
    }
    i++;
  }
  const unterminatedQuote = final && i >= n && inQuotes;
  if (final && i >= n && records < maxRecords) {
    finishRecord();
    end = n;
    linesAtEnd = lines + (emptyLine ? 0 : 1);
  }
  return { end, records, fieldCounts, firstFields, lines: linesAtEnd, quotedNewlines, unterminatedQuote, openQuoteLine: inQuotes ? quoteLine : 0 };
}

/** Delimiters tried by `sniffDialect`, in order of preference when they score alike. */
export const DELIMITERS = ['\t', ';', ',', '|'] as const;
const QUOTES = ['"', "'"] as const;

/**
 * Picks the delimiter and quote that split the sample into the most consistent number of fields
 * (at least two), as Python's `csv.Sniffer` and DuckDB's sniffer do. Falls back to `,` and `"`
 * for single-column files.
 * @param sample the first part of the file, decoded
 * @param final whether the sample is the whole file
 * @param fixed parts the user set (kept as they are)
 */
export function sniffDialect(sample: string, final: boolean, fixed: Partial<ScanDialect> = {}): ScanDialect {
  const delimiters = fixed.delimiter !== undefined ? [fixed.delimiter] : DELIMITERS;
  const quotes = fixed.quote !== undefined ? [fixed.quote] : QUOTES;
  let best: ScanDialect = { delimiter: fixed.delimiter ?? ',', quote: fixed.quote ?? '"' };
  let bestScore = [-1, 0];
  for (const quote of quotes) {
    for (const delimiter of delimiters) {
      const scan = scanRecords(sample, { delimiter, quote }, final, 1000);
      if (scan.records === 0) continue;
      let modal = 0;
      let modalCount = 0;
      for (const [fields, count] of scan.fieldCounts) {
        if (count > modalCount || (count === modalCount && fields > modal)) {
          modal = fields;
          modalCount = count;
        }
      }
      if (modal < 2) continue;
      const score = [modalCount / scan.records, modal];
      if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
        best = { delimiter, quote };
        bestScore = score;
      }
    }
  }
  return best;
}
