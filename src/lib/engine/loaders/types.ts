import type { FileFormat, LoadEstimate, LoadOptions, LoadProgress } from '../api';
import type { Db } from '../db';
import type { ByteSource } from '../source';
import type { SourceRead } from '../../sql/source-read';
import type { Note } from '../../i18n/note';

export interface InspectContext {
  db: Db;
  source: ByteSource;
  options: LoadOptions;
  /** Memory the engine can still use, for `LoadEstimate.fits`. */
  availableBytes: number;
}

export interface LoadContext extends InspectContext {
  /** The (unquoted) name of the table to create; the engine renames it when the load succeeds. */
  table: string;
  onProgress(p: Omit<LoadProgress, 'file'>): void;
  /** Aborted when the user cancels: stop between chunks and throw `EngineError` `CANCELLED`. */
  signal: AbortSignal;
}

export interface LoadResult {
  warnings: Note[];
  /** Per column (final name): how the value was converted, shown in the table info in the UI's language. */
  conversions: Record<string, Note>;
  /** How DuckDB's own readers repeat the load (CSV: dialect and conversions); other formats get it from the engine. */
  read?: SourceRead;
}

/** One file format's reader. Everything SQL-side goes through `ctx.db`. */
export interface Loader {
  format: FileFormat;
  inspect(ctx: InspectContext): Promise<LoadEstimate>;
  load(ctx: LoadContext): Promise<LoadResult>;
}
