/**
 * The UI language: German or English, chosen from the browser, switchable, stored. Messages live in
 * `src/lib/i18n/{en,de}.json` (ICU MessageFormat) and are formatted by svelte-i18n; `strings.ts`
 * reads them through `msg`, so every text that reads a message re-renders when the language changes.
 */
import { addMessages, format, init, json, locale, unwrapFunctionStore } from 'svelte-i18n';
import de from '../i18n/de.json';
import en from '../i18n/en.json';
import { flatValues, type Note, type NoteKey, type NoteValues } from '../i18n/note';

export type Language = 'de' | 'en';

/** The languages of the UI, in the order the switch offers them. */
export const LANGUAGES: readonly Language[] = ['de', 'en'];

/** The localStorage key of the chosen language. */
export const LANGUAGE_KEY = 'seglab.language';

addMessages('en', en);
addMessages('de', de);
init({ fallbackLocale: 'en', initialLocale: 'en' });

const formatMessage = unwrapFunctionStore(format);
const messageJson = unwrapFunctionStore(json);

/**
 * The language for a browser: the first of its languages that is German or English decides,
 * English when none is.
 * @param languages the browser's preferred languages, e.g. `navigator.languages`
 */
export function pickLanguage(languages: readonly string[]): Language {
  for (const l of languages) {
    const code = l.toLowerCase();
    if (code.startsWith('de')) return 'de';
    if (code.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The current UI language, kept in step with svelte-i18n's `locale`. */
class UiLanguage {
  current = $state<Language>('en');

  /**
   * Switches the UI language.
   * @param lang the new language
   */
  set(lang: Language): void {
    this.current = lang;
    void locale.set(lang);
  }

  /**
   * Takes the stored choice, else the browser's languages.
   * @param storage where the choice is kept (`localStorage`)
   * @param languages the browser's preferred languages
   */
  restore(storage: Pick<Storage, 'getItem'>, languages: readonly string[]): void {
    const stored = storage.getItem(LANGUAGE_KEY);
    this.set(stored === 'de' || stored === 'en' ? stored : pickLanguage(languages));
  }

  /**
   * Switches the UI language and keeps the choice.
   * @param lang the chosen language
   * @param storage where the choice is kept (`localStorage`)
   */
  choose(lang: Language, storage: Pick<Storage, 'setItem'>): void {
    this.set(lang);
    storage.setItem(LANGUAGE_KEY, lang);
  }
}

/** The one UI language of the page. */
export const language = new UiLanguage();

/**
 * A message in the current UI language.
 * @param id the message's key, e.g. `files.heading`
 * @param values the values of its placeholders; booleans pick a `select` branch (`true` / `other`)
 */
export function msg(id: string, values: Record<string, string | number | boolean> = {}): string {
  // intl-messageformat returns an array of parts, not a string, when a value is not a string or number.
  const formatted = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]));
  return formatMessage(id, { locale: language.current, values: formatted });
}

/**
 * A list of messages (a JSON array) in the current UI language.
 * @param id the list's key
 */
export function msgList(id: string): string[] {
  const list = messageJson(id, language.current);
  return Array.isArray(list) ? list.map((_, i) => msg(`${id}.${i}`)) : [];
}

/**
 * A message made by the engine (a load warning, an error) in the current UI language: its `notes`
 * key formatted with its values, or its English text when it has no key this UI knows.
 * @param note the key, values and English text
 */
export function noteText(note: { key?: NoteKey; values?: NoteValues; text: string }): string {
  const id = `notes.${note.key}`;
  if (!note.key || messageJson(id, language.current) === undefined) return note.text;
  return msg(id, flatValues(note.values, noteText));
}

/**
 * A problem in a notebook file or link in the current UI language: its JSON path (the same in
 * every language), then what is wrong, as `cells[2].sql: expected a string, got number 3`.
 * @param issue the path and note of a `NotebookIssue`
 */
export function issueText(issue: { path: string; note: Note }): string {
  const text = noteText(issue.note);
  return issue.path ? `${issue.path}: ${text}` : text;
}

/**
 * Why a notebook cell or source failed, in the current UI language when the engine made the message.
 * @param run the failed run: its English `error` and, for the engine's own messages, their key
 */
export function runError(run: { error?: string; errorKey?: NoteKey; errorValues?: NoteValues }): string {
  return noteText({ key: run.errorKey, values: run.errorValues, text: run.error ?? '' });
}
