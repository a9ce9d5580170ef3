/**
 * The pure parts of the benchmark suite (`bench/run.ts`): the steps and backends it measures,
 * medians and ratios, the printed table and the Markdown section of docs/BENCHMARKS.md. No I/O.
 */

/** The work every backend does, in this order. */
export const STEPS = ['load_csv', 'load_parquet', 'profile', 'segment', 'rfm', 'clv', 'kmeans', 'lookalike'] as const;
export type StepId = (typeof STEPS)[number];

/** What each step is, as the tables name it. */
export const STEP_LABELS: Record<StepId, string> = {
  load_csv: 'load CSV (transactions)',
  load_parquet: 'load Parquet (transactions)',
  profile: 'profile (transactions)',
  segment: 'segment, behavioural rule',
  rfm: 'RFM',
  clv: 'BG/NBD + Gamma-Gamma (CLV)',
  kmeans: 'k-means, k = 6, 8 features',
  lookalike: 'lookalike, 1,000 seeds (logistic)'
};

/** Steps that are DuckDB SQL on every DuckDB backend (the ≤ 2× native target applies to them). */
export const SQL_STEPS: readonly StepId[] = ['load_csv', 'load_parquet', 'profile', 'segment', 'rfm'];

/** Steps where the browser should beat pandas / scikit-learn at size L. */
export const PANDAS_TARGET_STEPS: readonly StepId[] = ['rfm', 'kmeans', 'lookalike'];

/** Where the work ran. */
export const BACKENDS = ['browser', 'browser_threads', 'wasm_node', 'native_1', 'native_all', 'python'] as const;
export type BackendId = (typeof BACKENDS)[number];

export const BACKEND_LABELS: Record<BackendId, string> = {
  browser: 'browser',
  browser_threads: 'browser, threads',
  wasm_node: 'WASM in Node',
  native_1: 'native 1 thread',
  native_all: 'native all threads',
  python: 'pandas / sklearn'
};

/** One step on one backend: the seconds of each run and what was seen meanwhile. */
export interface StepFigures {
  /** Seconds of each timed run. */
  seconds: number[];
  /** Browser: the longest main-thread task during any run (ms, PerformanceObserver `longtask`; 0 when none). */
  longTaskMs?: number;
  /** Browser: bytes DuckDB held after the step (`duckdb_memory()`, the app's memory gauge), largest over the runs. */
  duckdbBytes?: number;
  /** Browser: the renderer process's peak resident memory during the step (`VmHWM`), largest over the runs. */
  peakRssBytes?: number;
  /** Isolated browser: `performance.measureUserAgentSpecificMemory()` after the step, largest over the runs. */
  uaMemoryBytes?: number;
  /** Browser cells: the cell's own timings per run in seconds (`run` = the engine's run time, `data-ms`; `prepare`, `fit`, … from the cell's summary line). */
  parts?: Record<string, number[]>;
}

/** One backend's figures; `note` says why a step is missing. */
export interface BackendFigures {
  /** What ran: versions, bundle, threads. */
  detail: string;
  steps: Partial<Record<StepId, StepFigures>>;
  notes?: Partial<Record<StepId, string>>;
}

/** The machine, for the record. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  chromium: string;
  python: string;
  duckdb: string;
  /** 1-minute load average when the run started and when it ended. */
  load: [number, number];
}

/** A whole run of the suite, as written to bench/results/<date>-<size>.json. */
export interface SuiteResult {
  format: 'seglab-bench';
  version: 1;
  /** ISO date-time the run started. */
  date: string;
  size: string;
  runs: number;
  rows: { customers: number; transactions: number };
  machine: Machine;
  backends: Partial<Record<BackendId, BackendFigures>>;
}

/**
 * The median of some numbers (the mean of the two middle ones for an even count).
 * @param values at least one number
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * How many times slower `a` is than `b` (a ÷ b), or null when either is missing or `b` is 0.
 * @param a seconds, e.g. the browser's median
 * @param b seconds, e.g. native DuckDB's median
 */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a)) return null;
  return a / b;
}

/**
 * The median seconds of a step on a backend, if it ran.
 * @param result the suite's result
 * @param backend where
 * @param step what
 */
export function medianOf(result: SuiteResult, backend: BackendId, step: StepId): number | undefined {
  const s = result.backends[backend]?.steps[step]?.seconds;
  return s && s.length ? median(s) : undefined;
}

/**
 * Seconds for a table cell: three significant digits, at least two decimals below 10 s.
 * @param seconds the figure, or undefined for a step that did not run
 */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 10) return `${seconds.toFixed(seconds < 0.1 ? 3 : 2)} s`;
  return `${seconds.toFixed(1)} s`;
}

/**
 * A ratio for a table cell, e.g. `1.8×`.
 * @param r the ratio or null
 */
export function formatRatio(r: number | null): string {
  return r === null ? '—' : `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`;
}

/**
 * Bytes in MB (10^6), e.g. `512 MB`.
 * @param bytes the figure, or undefined
 */
export function formatMb(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;
}

/** The table's header and rows as text cells: one row per step. */
export function tableCells(result: SuiteResult): { header: string[]; rows: string[][] } {
  const shown = BACKENDS.filter((b) => result.backends[b]);
  const header = ['step', ...shown.map((b) => BACKEND_LABELS[b]), 'browser ÷ native 1 thr', 'browser ÷ pandas', 'worst main-thread task', 'DuckDB memory after', 'tab peak RSS'];
  const rows = STEPS.map((step) => {
    const browser = medianOf(result, 'browser', step);
    const figures = result.backends.browser?.steps[step];
    const threaded = result.backends.browser_threads?.steps[step];
    const longTask = Math.max(figures?.longTaskMs ?? -1, threaded?.longTaskMs ?? -1);
    return [
      STEP_LABELS[step],
      ...shown.map((b) => formatSeconds(medianOf(result, b, step))),
      formatRatio(ratio(browser, medianOf(result, 'native_1', step))),
      formatRatio(ratio(browser, medianOf(result, 'python', step))),
      longTask < 0 ? '—' : `${Math.round(longTask)} ms`,
      formatMb(figures?.duckdbBytes),
      formatMb(maxDefined(figures?.peakRssBytes, threaded?.peakRssBytes))
    ];
  });
  return { header, rows };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

/**
 * The table as aligned plain text, for the terminal.
 * @param result the suite's result
 */
export function formatTable(result: SuiteResult): string {
  const { header, rows } = tableCells(result);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The table as GitHub Markdown, numbers right-aligned.
 * @param result the suite's result
 */
export function markdownTable(result: SuiteResult): string {
  const { header, rows } = tableCells(result);
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `|${header.map((_, c) => (c === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)
  ].join('\n');
}

/**
 * The machine in one Markdown paragraph.
 * @param m the machine
 */
export function machineMarkdown(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB RAM, ${m.os}; Node ${m.node}, ${m.chromium}, ` +
    `Python ${m.python}, DuckDB ${m.duckdb}. Load average (1 min) ${m.load[0].toFixed(1)} at the start, ${m.load[1].toFixed(1)} at the end.`
  );
}

/**
 * The generated section of docs/BENCHMARKS.md for one run: what ran, the machine, the table and
 * what each backend was.
 * @param result the suite's result
 * @param file the results file, relative to the repository
 */
export function markdownSection(result: SuiteResult, file: string): string {
  const details = BACKENDS.filter((b) => result.backends[b]).map((b) => `- **${BACKEND_LABELS[b]}**: ${result.backends[b]!.detail}`);
  const notes = BACKENDS.flatMap((b) =>
    Object.entries(result.backends[b]?.notes ?? {}).map(([step, note]) => `- ${BACKEND_LABELS[b]}, ${STEP_LABELS[step as StepId]}: ${note}`)
  );
  return [
    `Size **${result.size}** (${result.rows.transactions.toLocaleString('en')} transactions, ${result.rows.customers.toLocaleString('en')} customers), ` +
      `median of ${result.runs} run${result.runs === 1 ? '' : 's'}, ${result.date.slice(0, 16).replace('T', ' ')} UTC (\`${file}\`).`,
    '',
    `Machine: ${machineMarkdown(result.machine)}`,
    '',
    markdownTable(result),
    '',
    ...details,
    ...(notes.length ? ['', 'Missing figures:', '', ...notes] : [])
  ].join('\n');
}

/** The markers around a size's generated section in docs/BENCHMARKS.md. */
export function markers(size: string): { start: string; end: string } {
  return { start: `<!-- bench:${size}:start -->`, end: `<!-- bench:${size}:end -->` };
}

/**
 * Puts a generated section between its markers, replacing what was there; the rest of the document
 * stays as it was. Without the markers, the section is appended under the `## Results` heading (made
 * when missing).
 * @param doc the document
 * @param size the size the section is for (`S`, `M`, `L`)
 * @param section the generated Markdown
 */
export function replaceSection(doc: string, size: string, section: string): string {
  const { start, end } = markers(size);
  const block = `${start}\n${section.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) return doc.slice(0, from) + block + doc.slice(to + end.length);
  const heading = '## Results';
  const at = doc.indexOf(`${heading}\n`);
  if (at < 0) return `${doc.trimEnd()}\n\n${heading}\n\n### ${size}\n\n${block}\n`;
  const after = at + heading.length + 1;
  return `${doc.slice(0, after)}\n### ${size}\n\n${block}\n${doc.slice(after)}`;
}
