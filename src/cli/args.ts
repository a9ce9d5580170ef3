import { parseArgs } from 'node:util';

/** The usage text printed by `--help` and after an argument error. */
export const USAGE = `Usage: seglab run NOTEBOOK.json [--data NAME=PATH]... [--out DIR] [--engine wasm|native]
                  [--include-personal COLUMN]... [--pseudonymise] [--sql FILE]

Runs a seglab notebook without a browser: loads its data sources, runs its cells in order with
the same engine code as the app, and writes every cell result as DIR/<cell-id>.csv plus a report
DIR/run.json. A segment cell also gets its profile (DIR/<cell-id>.profile.csv: size, share and
KPIs with 95 % intervals and index per segment), the mix of its profile columns
(<cell-id>.categories.csv), the overlaps of its segments (<cell-id>.overlap.csv) and, with
compareWith, the moves from the earlier membership (<cell-id>.transitions.csv).

Options:
  --data NAME=PATH       read the source named NAME from PATH instead of the path in the
                         notebook (relative to the current directory); repeatable
  --out DIR              output directory (default: ./out)
  --engine wasm|native   wasm: DuckDB-WASM, the browser's engine (default)
                         native: native DuckDB, for data larger than a browser can hold
  --include-personal COLUMN
                         write this personal-data column as it is (repeatable); personal
                         columns (detected by name and values, or marked in the notebook's
                         sources) are otherwise left out of every CSV file
  --pseudonymise         write the other personal columns as sha256(salt || value), with the
                         notebook's settings.pseudonymSalt, instead of leaving them out
  --sql FILE             also write the whole notebook as one DuckDB SQL script that rebuilds
                         every table with the DuckDB CLI: duckdb analysis.duckdb < FILE, run
                         in the folder of the data files (results fitted in JS as values)
  -h, --help             show this help

Exit status: 0 when every source and cell ran, 1 when one failed (stderr names it and why),
2 for bad arguments or an invalid notebook.
`;

/** Parsed command line of `seglab run`. */
export interface RunArgs {
  command: 'run';
  notebook: string;
  data: Map<string, string>;
  out: string;
  engine: 'wasm' | 'native';
  /** Personal-data columns this run writes as they are. */
  includePersonal: string[];
  /** Pseudonymise the other personal-data columns instead of leaving them out. */
  pseudonymise: boolean;
  /** Also write the notebook as a DuckDB SQL script to this path. */
  sql?: string;
}

/** The outcome of parsing: run, print help, or a usage error. */
export type ParsedArgs = RunArgs | { command: 'help' } | { command: 'error'; message: string };

/**
 * Parses `seglab` arguments (without `node` and the script path). Pure.
 * @param argv e.g. `['run', 'nb.json', '--engine', 'native']`
 */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string', multiple: true },
        out: { type: 'string' },
        engine: { type: 'string' },
        'include-personal': { type: 'string', multiple: true },
        pseudonymise: { type: 'boolean' },
        sql: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    });
  } catch (e) {
    return { command: 'error', message: (e as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0 || positionals[0] === 'help') return { command: 'help' };
  const [command, notebook, ...rest] = positionals;
  if (command !== 'run') return { command: 'error', message: `unknown command "${command}" (expected "run")` };
  if (!notebook) return { command: 'error', message: 'missing the notebook file: seglab run NOTEBOOK.json' };
  if (rest.length) return { command: 'error', message: `unexpected argument "${rest[0]}"` };
  const engine = values.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'native') {
    return { command: 'error', message: `--engine must be "wasm" or "native", not "${engine}"` };
  }
  const data = new Map<string, string>();
  for (const d of values.data ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0 || eq === d.length - 1) return { command: 'error', message: `--data expects NAME=PATH, got "${d}"` };
    data.set(d.slice(0, eq), d.slice(eq + 1));
  }
  return {
    command: 'run',
    notebook,
    data,
    out: values.out ?? 'out',
    engine,
    includePersonal: values['include-personal'] ?? [],
    pseudonymise: values.pseudonymise ?? false,
    ...(values.sql ? { sql: values.sql } : {})
  };
}
