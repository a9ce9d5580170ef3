import { EngineError } from '../engine/errors';
import { NoteError, type NoteKey, type NoteValues } from '../i18n/note';
import { NotebookFormatError } from '../notebook/validate';
import { issueText, noteText } from './language.svelte';

/** What the UI shows of a failure: a one-line message, raw text for details, and where. */
export interface ErrorView {
  code: string;
  message: string;
  /** The message as the engine wrote it (English, or DuckDB's own text). */
  text: string;
  /** The engine's message key and values, when it made the message. */
  key?: NoteKey;
  values?: NoteValues;
  detail?: string;
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Turns anything thrown by an engine call (or a share link's invalid notebook) into what the UI shows. `message` is the engine's own
 * message in the UI language at each read, so a stored view follows a language switch (DuckDB's
 * texts stay as DuckDB wrote them). `detail` is left out when it repeats the message.
 * @param e the thrown value
 */
export function describeError(e: unknown): ErrorView {
  if (e instanceof EngineError) {
    const english = e.message.replace(/\s+$/, '');
    const detail = e.detail && e.detail.trim() !== english.trim() ? e.detail : undefined;
    return notedView(e.code, { key: e.key, values: e.values, text: english }, { detail, file: e.file, line: e.line, column: e.column });
  }
  if (e instanceof NoteError) return notedView('INTERNAL', e.note);
  if (e instanceof NotebookFormatError) {
    const issues = e.issues;
    return {
      code: 'INVALID',
      get message() {
        return issues.map(issueText).join('\n');
      },
      text: e.message
    };
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message, text: e.message, detail: e.stack };
  return { code: 'INTERNAL', message: String(e), text: String(e) };
}

/**
 * A view whose message is a note, formatted in the UI language at each read.
 * @param code what went wrong
 * @param said the note (key and values absent for texts the engine did not make)
 * @param where detail and position
 */
function notedView(code: string, said: Pick<ErrorView, 'key' | 'values' | 'text'>, where: Pick<ErrorView, 'detail' | 'file' | 'line' | 'column'> = {}): ErrorView {
  return {
    code,
    get message() {
      return noteText(said);
    },
    text: said.text,
    key: said.key,
    values: said.values,
    ...where
  };
}
