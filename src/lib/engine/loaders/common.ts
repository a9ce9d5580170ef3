/**
 * Helpers shared by the loaders (and the engine): cancellation, column selection, native file
 * paths, sample sizes, name lists in messages.
 */
import { said } from '../../i18n/note';
import { EngineError } from '../errors';
import type { InspectContext, LoadContext } from './types';

/**
 * The error a cancelled load ends with.
 * @param file the file being loaded
 */
export function cancelledError(file: string): EngineError {
  return new EngineError({ code: 'CANCELLED', ...said('loadCancelled'), file });
}

/**
 * Throws `CANCELLED` when the user has cancelled the load.
 * @param ctx the load context
 */
export function checkCancelled(ctx: LoadContext): void {
  if (ctx.signal.aborted) throw cancelledError(ctx.source.name);
}

/**
 * Resolves `LoadOptions.columns` against the columns a file has, matching exactly and then
 * case-insensitively. Unknown names throw a `FILE_FORMAT` error listing what the file offers.
 * @param ctx the context (options and file name)
 * @param available column names in file order
 * @returns the selected names in file order, or all of them when no selection was asked for
 */
export function selectColumns(ctx: InspectContext, available: readonly string[]): string[] {
  const wanted = ctx.options.columns;
  if (!wanted?.length) return [...available];
  const picked = new Set<string>();
  const missing: string[] = [];
  for (const w of wanted) {
    const hit = available.find((a) => a === w) ?? available.find((a) => a.toLowerCase() === w.toLowerCase());
    if (hit === undefined) missing.push(w);
    else picked.add(hit);
  }
  if (missing.length) {
    throw new EngineError({ code: 'FILE_FORMAT', ...said('noColumn', { names: quotedList(missing), columns: quotedList(available) }), file: ctx.source.name });
  }
  return available.filter((a) => picked.has(a));
}

/**
 * The path native DuckDB should read: the file on disk when the lockdown lets SQL read it there
 * (`Db.readsInPlace`), else the bytes registered under a temporary name (returned so the caller
 * can drop it).
 * @param ctx the load context
 * @param suffix file extension for the registered copy, e.g. `.parquet`
 */
export async function nativeFilePath(ctx: LoadContext, suffix: string): Promise<{ path: string; registered?: string }> {
  if (ctx.source.path && ctx.db.readsInPlace?.(ctx.source.path)) return { path: ctx.source.path };
  const registered = `${ctx.table}${suffix}`;
  await ctx.db.registerBuffer(registered, await ctx.source.read(0, ctx.source.size));
  return { path: ctx.db.filePath(registered), registered };
}

/**
 * A positive whole sample size from `LoadOptions.sampleRows`, or `null` for "load everything".
 * @param ctx the context
 */
export function sampleSize(ctx: InspectContext): number | null {
  const n = ctx.options.sampleRows;
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}

/**
 * Names for messages: `"a", "b"`.
 * @param names the names
 */
export function quotedList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
