import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../lib/engine/db';
import { Engine } from '../lib/engine/engine';
import { exportCsv } from '../lib/engine/export';
import { personalExport, personalMarks } from '../lib/analysis/personal';
import { runNotebook, type CellRun, type NotebookRun, type RunNotebookOptions, type SourceRun } from '../lib/engine/run-notebook';
import { SEGMENT_REPORTS, segmentReportName, segmentReports } from '../lib/engine/segment-reports';
import { clvReports } from '../lib/engine/value-cells';
import { lookalikeReports } from '../lib/engine/lookalike';
import { nodeFileSource } from '../lib/engine/source-node';
import { exportNotebookScript, recordingRun } from '../lib/engine/notebook-script';
import { RecordingDb } from '../lib/engine/recording-db';
import type { Notebook, Source } from '../lib/notebook/model';
import { formatIssue, parseNotebook } from '../lib/notebook/validate';
import { parseCliArgs, USAGE, type RunArgs } from './args';

/** Where the CLI writes and which directory relative paths start from (injectable for tests). */
export interface CliIO {
  cwd?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** What `run.json` holds. */
export interface RunReport {
  format: 'seglab-run';
  version: 1;
  notebook: string;
  title: string;
  engine: 'wasm' | 'native';
  duckdb: string;
  ok: boolean;
  ms: number;
  sources: { name: string; path: string; status: SourceRun['status']; rows: number | null; ms: number; error?: string }[];
  cells: {
    id: string;
    name?: string;
    kind: string;
    status: CellRun['status'];
    rows: number | null;
    ms: number;
    file?: string;
    /** A segment cell's reports (`<id>.profile.csv`, …), written beside `file`. */
    reports?: string[];
    error?: string;
  }[];
}

/** Exit status: every source and cell ran. */
export const EXIT_OK = 0;
/** Exit status: a source or a cell failed. */
export const EXIT_FAILED = 1;
/** Exit status: bad arguments or an invalid notebook file. */
export const EXIT_USAGE = 2;

/** wasm32 caps the heap at 4 GiB; the browser keeps the same 2 GiB budget (see worker.ts). */
const WASM_MEMORY_BUDGET = 2 * 1024 ** 3;

/**
 * The `seglab` command: `seglab run NOTEBOOK.json [--data NAME=PATH]... [--out DIR] [--engine wasm|native]`.
 * Returns the exit status instead of exiting, so tests call it in-process.
 * @param argv the arguments after the script name
 * @param io working directory and output streams (default: the process's)
 */
export async function main(argv: readonly string[], io: CliIO = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => process.stderr.write(t));
  const args = parseCliArgs(argv);
  if (args.command === 'help') {
    out(USAGE);
    return EXIT_OK;
  }
  if (args.command === 'error') {
    err(`seglab: ${args.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return run(args, io.cwd ?? process.cwd(), out, err);
}

async function run(args: RunArgs, cwd: string, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const notebookPath = path.resolve(cwd, args.notebook);
  let text: string;
  try {
    text = await readFile(notebookPath, 'utf8');
  } catch (e) {
    err(`seglab: cannot read ${args.notebook}: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  const parsed = parseNotebook(text);
  if (!parsed.ok) {
    err(`seglab: ${args.notebook} is not a valid notebook:\n${parsed.issues.map((i) => `  ${formatIssue(i)}\n`).join('')}`);
    return EXIT_USAGE;
  }
  const notebook = parsed.notebook;
  const unknown = [...args.data.keys()].filter((name) => !notebook.sources.some((s) => s.name === name));
  if (unknown.length) {
    const names = notebook.sources.map((s) => `"${s.name}"`).join(', ') || 'none';
    err(`seglab: --data ${unknown[0]}=…: the notebook has no source named "${unknown[0]}" (sources: ${names})\n`);
    return EXIT_USAGE;
  }
  const salt = notebook.settings?.pseudonymSalt;
  if (args.pseudonymise && salt === undefined) {
    err(`seglab: --pseudonymise needs settings.pseudonymSalt in ${args.notebook} (the app's Privacy panel makes one)\n`);
    return EXIT_USAGE;
  }
  const personal = { marks: personalMarks(notebook.sources), choice: { include: args.includePersonal, salt: args.pseudonymise ? salt : undefined } };
  const paths = new Map(notebook.sources.map((s) => [s.name, sourcePath(s, args, cwd, notebookPath)]));
  const outDir = path.resolve(cwd, args.out);

  let db: Db;
  let recorder: RecordingDb | undefined;
  try {
    db = await openDb(args.engine, [...paths.values()]);
    if (args.sql) db = recorder = new RecordingDb(db);
  } catch (e) {
    err(`seglab: cannot start the ${args.engine} engine: ${(e as Error).message}\n`);
    return EXIT_FAILED;
  }
  try {
    await mkdir(outDir, { recursive: true });
    const engine = new Engine(db, args.engine === 'wasm' ? WASM_MEMORY_BUDGET : Math.floor(os.totalmem() * 0.8));
    const reports = new Map<string, string[]>();
    const options: RunNotebookOptions = {
      openSource: (s) => openSource(paths.get(s.name)!),
      consume: async (table, cell) => {
        const query = await personalExport((q) => db.rows(q), table, personal.marks, personal.choice);
        const csv = await exportCsv(db, { sql: String(query) });
        await writeFile(path.join(outDir, `${cell.id}.csv`), csv.bytes);
        const files =
          cell.kind === 'segment' || cell.kind === 'cluster' || cell.kind === 'rfm' || cell.kind === 'tiers' || cell.kind === 'leads'
            ? await segmentReports(engine, cell, table, notebook.settings?.guards, notebook.settings?.locale)
            : cell.kind === 'clv'
              ? await clvReports(engine, cell)
              : cell.kind === 'lookalike'
                ? [...(await segmentReports(engine, cell, table, notebook.settings?.guards, notebook.settings?.locale)), ...(await lookalikeReports(engine, cell))]
                : [];
        for (const f of files) await writeFile(path.join(outDir, f.name), f.text);
        if (files.length) reports.set(cell.id, files.map((f) => f.name));
        return { rows: csv.rows };
      },
      onSource: (s) => {
        if (s.status === 'ok') out(`source ${s.name}: ${plural(s.rows ?? 0, 'row')}, ${s.ms} ms\n`);
        else err(`source "${s.name}" failed: ${s.error}\n`);
      },
      onCell: (c) => {
        if (c.kind === 'markdown') return;
        const label = c.name ?? c.id;
        if (c.status === 'ok') out(`cell ${c.id}${c.name ? ` (${c.name})` : ''}: ${plural(c.rows ?? 0, 'row')}, ${c.ms} ms → ${[`${c.id}.csv`, ...(reports.get(c.id) ?? [])].join(', ')}\n`);
        else err(`cell "${label}" ${c.status === 'error' ? 'failed' : 'skipped'}: ${c.error}${c.line ? ` (line ${c.line})` : ''}\n`);
      }
    };
    const recording = recorder ? recordingRun(recorder, options) : undefined;
    const result = await runNotebook(engine, notebook, recording?.options ?? options);
    for (const c of result.cells) {
      if (c.kind === 'markdown') continue;
      const kept = c.status === 'ok' ? [`${c.id}.csv`, ...(reports.get(c.id) ?? [])] : [];
      const stale = [`${c.id}.csv`, ...SEGMENT_REPORTS.map((r) => segmentReportName(c.id, r)), `${c.id}.model.csv`, `${c.id}.holdout.csv`, `${c.id}.evaluation.csv`].filter((f) => !kept.includes(f));
      for (const f of stale) await rm(path.join(outDir, f), { force: true });
    }
    if (args.sql) {
      const sqlPath = path.resolve(cwd, args.sql);
      const meta = { version: await seglabVersion(), date: new Date().toISOString().slice(0, 10), fileName: path.basename(sqlPath) };
      await writeFile(sqlPath, await exportNotebookScript(engine, notebook, recording!.cells, meta));
      out(`wrote the SQL script ${path.relative(cwd, sqlPath)}\n`);
    }
    const reportPath = path.join(outDir, 'run.json');
    await writeFile(reportPath, `${JSON.stringify(report(notebook, args, db, result, paths, reports), null, 2)}\n`);
    const written = result.cells.filter((c) => c.kind !== 'markdown' && c.status === 'ok').length + [...reports.values()].reduce((n, f) => n + f.length, 0);
    out(`wrote ${written} CSV file${written === 1 ? '' : 's'} and run.json to ${path.relative(cwd, outDir) || '.'}\n`);
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    err(`seglab: ${(e as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await db.close();
  }
}

async function seglabVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function sourcePath(source: Source, args: RunArgs, cwd: string, notebookPath: string): string {
  const override = args.data.get(source.name);
  return override !== undefined ? path.resolve(cwd, override) : path.resolve(path.dirname(notebookPath), source.path);
}

async function openSource(file: string) {
  try {
    return nodeFileSource(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Opens the engine locked down like the browser's (`lockdownSql`): SQL in the notebook reaches its
 * loaded tables and nothing else. Native DuckDB may read the notebook's declared source files in
 * place (no copy of a large Parquet file); no other path, URL or extension.
 */
async function openDb(kind: RunArgs['engine'], sources: string[]): Promise<Db> {
  if (kind === 'native') {
    const { NativeDb } = await import('../lib/engine/db-native');
    return NativeDb.open({ readable: sources });
  }
  const { openNodeWasmDb } = await import('../lib/engine/db-node-wasm');
  return openNodeWasmDb();
}

function report(notebook: Notebook, args: RunArgs, db: Db, result: NotebookRun, paths: Map<string, string>, reports: Map<string, string[]>): RunReport {
  return {
    format: 'seglab-run',
    version: 1,
    notebook: args.notebook,
    title: notebook.title,
    engine: args.engine,
    duckdb: db.version,
    ok: result.ok,
    ms: result.ms,
    sources: result.sources.map((s) => ({
      name: s.name,
      path: paths.get(s.name)!,
      status: s.status,
      rows: s.rows,
      ms: s.ms,
      ...(s.error ? { error: s.error } : {})
    })),
    cells: result.cells.map((c) => ({
      id: c.id,
      ...(c.name ? { name: c.name } : {}),
      kind: c.kind,
      status: c.status,
      rows: c.rows,
      ms: c.ms,
      ...(c.kind !== 'markdown' && c.status === 'ok' ? { file: `${c.id}.csv` } : {}),
      ...(reports.has(c.id) ? { reports: reports.get(c.id) } : {}),
      ...(c.error ? { error: c.error } : {})
    }))
  };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}
