import { EngineError } from '../engine/errors';
import { noteText } from './language.svelte';

/** What the UI shows of a failure: a one-line message, raw text for details, and where. */
export interface ErrorView {
  code: string;
  message: string;
  detail?: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Turns anything thrown by an engine call into what the UI shows, the engine's own messages in the
 * current UI language (DuckDB's texts as DuckDB wrote them). `detail` is left out when it repeats
 * the message.
 * @param e the thrown value
 */
export function describeError(e: unknown): ErrorView {
  if (e instanceof EngineError) {
    const english = e.message.replace(/\s+$/, '');
    const message = noteText({ key: e.key, values: e.values, text: english });
    const detail = e.detail && e.detail.trim() !== english.trim() ? e.detail : undefined;
    return { code: e.code, message, detail, file: e.file, line: e.line, column: e.column };
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message, detail: e.stack };
  return { code: 'INTERNAL', message: String(e) };
}
