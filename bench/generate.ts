/**
 * Deterministic benchmark data generator (issue 9, point 1). See bench/README.md.
 *
 *   npx tsx bench/generate.ts --size S|M|L|XL [--seed 42] [--format csv,parquet] [--out bench/data] [--threads N]
 *
 * Writes <out>/<size>/{customers,transactions,leads}.{csv,parquet}. All rows are produced by DuckDB SQL
 * into a scratch database file (<out>/<size>/.generate.duckdb, removed afterwards) and written with COPY;
 * nothing is built row by row in JS.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SqlFragment, ident, lit, sql } from '../src/lib/sql/quote.ts';
import { SIZES } from './lib/model.ts';
import { customersSelectSql, customersTableSql, leadsSelectSql, macroSql, planTableSql, transactionsSelectSql } from './lib/tables.ts';

type Format = 'csv' | 'parquet';

/** Parsed command-line options. */
export interface GenerateOptions {
  size: string;
  seed: number;
  formats: Format[];
  out: string;
  threads?: number;
}

function parseOptions(argv: string[]): GenerateOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      seed: { type: 'string', default: '42' },
      format: { type: 'string', default: 'csv,parquet' },
      out: { type: 'string', default: 'bench/data' },
      threads: { type: 'string' },
    },
  });
  const size = (values.size ?? '').toUpperCase();
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  const formats = values.format.split(',').map((f) => f.trim().toLowerCase());
  for (const f of formats) if (f !== 'csv' && f !== 'parquet') throw new Error(`unknown format "${f}" (csv, parquet)`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new Error('--threads must be a positive integer');
  return { size, seed, formats: formats as Format[], out: values.out, threads };
}

async function copyTo(conn: DuckDBConnection, query: SqlFragment, file: string, format: Format): Promise<void> {
  const options = format === 'parquet' ? sql`FORMAT parquet, COMPRESSION zstd` : sql`FORMAT csv, HEADER true`;
  await conn.run(sql`COPY (${query}) TO ${lit(file)} (${options})`.text);
}

/**
 * Materialises one table, then writes it in every requested format. Copying from a stored table
 * (not from the streaming query) makes Parquet row groups, and so the bytes, independent of thread count.
 */
async function writeTable(conn: DuckDBConnection, name: string, query: SqlFragment, dir: string, formats: Format[]): Promise<void> {
  const t0 = performance.now();
  const table = ident(`out_${name}`);
  await conn.run(sql`CREATE OR REPLACE TABLE ${table} AS ${query}`.text);
  const files: string[] = [];
  for (const format of formats) {
    const path = join(dir, `${name}.${format}`);
    await copyTo(conn, sql`SELECT * FROM ${table}`, path, format);
    files.push(`${format} ${(statSync(path).size / 1e6).toFixed(1)} MB`);
  }
  const rows = await conn.runAndReadAll(sql`SELECT count(*)::DOUBLE FROM ${table}`.text);
  await conn.run(sql`DROP TABLE ${table}`.text);
  const n = Number(rows.getRows()[0][0]);
  console.log(`${name}: ${n.toLocaleString('en')} rows, ${files.join(', ')}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Generates all three tables for one size.
 * @param options size, seed, formats, output root and optional thread count
 */
export async function generate(options: GenerateOptions): Promise<void> {
  const preset = SIZES[options.size];
  const dir = resolve(options.out, options.size);
  mkdirSync(dir, { recursive: true });
  const start = performance.now();
  const dbFile = join(dir, '.generate.duckdb');
  rmSync(dbFile, { force: true });
  const instance = await DuckDBInstance.create(dbFile);
  const conn = await instance.connect();
  try {
    await conn.run(`SET preserve_insertion_order = true`);
    await conn.run(sql`SET temp_directory = ${lit(join(dir, '.tmp'))}`.text);
    if (options.threads !== undefined) await conn.run(sql`SET threads = ${options.threads}`.text);
    for (const m of macroSql(options.seed)) await conn.run(m.text);
    await conn.run(customersTableSql(preset.customers).text);
    await writeTable(conn, 'customers', customersSelectSql(), dir, options.formats);
    await conn.run(planTableSql(preset.transactions).text);
    await writeTable(conn, 'transactions', transactionsSelectSql(), dir, options.formats);
    await writeTable(conn, 'leads', leadsSelectSql(Math.max(1000, Math.round(preset.customers / 5))), dir, options.formats);
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}.wal`, { force: true });
    rmSync(join(dir, '.tmp'), { recursive: true, force: true });
  }
  console.log(`size ${options.size}, seed ${options.seed}: done in ${((performance.now() - start) / 1000).toFixed(1)} s → ${dir}`);
}

try {
  await generate(parseOptions(process.argv.slice(2)));
} catch (error) {
  console.error(`bench:generate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
