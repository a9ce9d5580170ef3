/**
 * A message made outside the UI (the engine, its loaders, the SQL builders): a key into the `notes`
 * messages of `{en,de}.json` plus its values, and the English sentence. The UI formats the key in
 * its current language; the runner, logs and tests read `text`. `text` is formatted from `en.json`,
 * so the English wording lives in one place.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import en from './en.json';

/** The messages a note can name: the keys of `notes` in `en.json`. */
export type NoteKey = keyof typeof en.notes;

/** Values of a note's placeholders: numbers stay numbers so each language formats them; a note as a value is formatted in the same language. */
export type NoteValues = { [name: string]: string | number | Note };

export interface Note {
  key: NoteKey;
  values?: NoteValues;
  /** The English sentence. */
  text: string;
}

/**
 * Formats one ICU message without eval (intl-messageformat interprets its AST), as svelte-i18n does.
 * @param message the ICU message
 * @param locale the locale of numbers and plurals
 * @param values the values of its placeholders
 */
export function formatIcu(message: string, locale: string, values: Record<string, string | number> = {}): string {
  return String(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).format(values));
}

/**
 * A note's values with the notes among them replaced by their text in one language.
 * @param values the values
 * @param text how a nested note reads
 */
export function flatValues(values: NoteValues | undefined, text: (n: Note) => string): Record<string, string | number> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, typeof v === 'object' ? text(v) : v]));
}

/**
 * A note with its English sentence.
 * @param key the message in `notes`
 * @param values the values of its placeholders
 */
export function note(key: NoteKey, values?: NoteValues): Note {
  return { key, ...(values ? { values } : {}), text: formatIcu(en.notes[key], 'en', flatValues(values, (n) => n.text)) };
}

/** What an `EngineError` takes from a note. */
export interface NotedMessage {
  message: string;
  key: NoteKey;
  values?: NoteValues;
}

/**
 * What an `EngineError` takes from a note: the English sentence as its message, key and values to
 * translate it.
 * @param key the message in `notes`
 * @param values the values of its placeholders
 */
export function said(key: NoteKey, values?: NoteValues): NotedMessage {
  const { text, ...rest } = note(key, values);
  return { message: text, ...rest };
}

/** An error whose message is a note, so the UI can say it in its language. */
export class NoteError extends Error {
  constructor(readonly note: Note) {
    super(note.text);
    this.name = 'NoteError';
  }
}
