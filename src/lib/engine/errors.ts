import type { NoteError, NoteKey, NoteValues } from '../i18n/note';

/** What went wrong, in a form the UI can turn into a sentence. */
export type EngineErrorCode =
  | 'SQL_PARSE'
  | 'SQL_BIND'
  | 'SQL_RUNTIME'
  | 'FILE_FORMAT'
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED'
  | 'CANCELLED'
  | 'ENGINE_DIED'
  | 'INTERNAL';

export interface EngineErrorData {
  code: EngineErrorCode;
  message: string;
  file?: string;
  sql?: string;
  detail?: string;
  /** 1-based line and column of a SQL error, when DuckDB reports a position. */
  line?: number;
  column?: number;
  /** The message in `notes` that says `message` in the UI's language (absent for DuckDB's own texts). */
  key?: NoteKey;
  values?: NoteValues;
}

/** The one error type that crosses the worker boundary (see the Comlink transfer handler in `transfer.ts`). */
export class EngineError extends Error implements EngineErrorData {
  code: EngineErrorCode;
  file?: string;
  sql?: string;
  detail?: string;
  line?: number;
  column?: number;
  key?: NoteKey;
  values?: NoteValues;

  constructor(data: EngineErrorData, options?: { cause?: unknown }) {
    super(data.message, options);
    this.name = 'EngineError';
    this.code = data.code;
    this.file = data.file;
    this.sql = data.sql;
    this.detail = data.detail;
    this.line = data.line;
    this.column = data.column;
    this.key = data.key;
    this.values = data.values;
  }

  toJSON(): EngineErrorData {
    const { code, message, file, sql, detail, line, column, key, values } = this;
    return { code, message, file, sql, detail, line, column, key, values };
  }
}

/**
 * An `EngineError` saying a note's message, with its key and values, so the UI can say it in its language.
 * @param e a check's error from the analysis or SQL modules
 * @param code what went wrong (default: INTERNAL)
 */
export function notedEngineError(e: NoteError, code: EngineErrorCode = 'INTERNAL'): EngineError {
  const { text, key, values } = e.note;
  return new EngineError({ code, message: text, key, values }, { cause: e });
}

/**
 * Classifies a raw DuckDB error and attaches the SQL and, when DuckDB gives a character offset
 * (`LINE 1: …` plus caret), the 1-based line and column of the error.
 * @param cause the thrown value
 * @param sql the statement that failed
 */
export function fromDuckDBError(cause: unknown, sql?: string): EngineError {
  if (cause instanceof EngineError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  let code: EngineErrorCode = 'SQL_RUNTIME';
  if (isWasmTrap(cause)) code = 'ENGINE_DIED';
  else if (/^Parser Error/i.test(message)) code = 'SQL_PARSE';
  else if (/^(Binder|Catalog) Error/i.test(message)) code = 'SQL_BIND';
  else if (/interrupt/i.test(message)) code = 'CANCELLED';
  else if (/^(INTERNAL|FATAL) Error/i.test(message)) code = 'INTERNAL';
  const pos = sql ? errorPosition(message, sql) : undefined;
  return new EngineError({ code, message: message.split('\n')[0], detail: message, sql, ...pos }, { cause });
}

/**
 * Whether a failure is the WebAssembly module trapping or aborting (out of bounds, `unreachable`,
 * Emscripten's `Aborted(…)`): DuckDB-WASM's worker reports it like any error, but the module is
 * broken afterwards and the engine must be restarted. DuckDB's own `Out of Memory Error` is not one:
 * the query fails and the engine goes on.
 * @param cause the thrown value (DuckDB-WASM's worker keeps the name `RuntimeError`)
 */
export function isWasmTrap(cause: unknown): boolean {
  if (!(cause instanceof Error)) return false;
  if (cause.name === 'RuntimeError') return true;
  return /^(RuntimeError: |Aborted\()|memory access out of bounds|unreachable executed|table index is out of bounds|Program terminated with exit/.test(cause.message);
}

function errorPosition(message: string, sql: string): { line: number; column: number } | undefined {
  const m = /at position (\d+)/.exec(message) ?? /character (\d+)/.exec(message);
  if (m) return offsetToLineColumn(sql, Number(m[1]));
  if (/at end of input/.test(message)) return offsetToLineColumn(sql, sql.trimEnd().length);
  const lines = message.split('\n');
  const i = lines.findIndex((l) => /^LINE (\d+):/.test(l));
  if (i >= 0 && lines[i + 1] !== undefined) {
    const line = Number(/^LINE (\d+):/.exec(lines[i])![1]);
    const prefix = /^LINE \d+: /.exec(lines[i])![0].length;
    const caret = lines[i + 1].indexOf('^');
    if (caret >= 0) return { line, column: Math.max(1, caret - prefix + 1) };
  }
  return undefined;
}

/**
 * Converts a 0-based character offset into a 1-based line and column.
 * @param text the SQL text
 * @param offset 0-based character offset
 */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Wraps an unknown failure that happened while loading `file`.
 * @param file the file name shown to the user
 * @param cause the thrown value
 */
export function fileError(file: string, cause: unknown): EngineError {
  if (cause instanceof EngineError) {
    if (!cause.file) cause.file = file;
    return cause;
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return new EngineError({ code: 'FILE_FORMAT', message: message.split('\n')[0], detail: message, file }, { cause });
}
