import { EngineError } from '../engine/errors';

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
 * Turns anything thrown by an engine call into what the UI shows. `detail` is left out when it
 * repeats the message.
 * @param e the thrown value
 */
export function describeError(e: unknown): ErrorView {
  if (e instanceof EngineError) {
    const message = e.message.replace(/\s+$/, '');
    const detail = e.detail && e.detail.trim() !== message.trim() ? e.detail : undefined;
    return { code: e.code, message, detail, file: e.file, line: e.line, column: e.column };
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message, detail: e.stack };
  return { code: 'INTERNAL', message: String(e) };
}
