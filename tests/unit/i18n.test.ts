import { getMessageFormatter, init } from 'svelte-i18n';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import de from '../../src/lib/i18n/de.json';
import en from '../../src/lib/i18n/en.json';
import { language, pickLanguage, type Language } from '../../src/lib/ui/language.svelte';
import { t } from '../../src/lib/ui/strings';

type Tree = string | Tree[] | { [key: string]: Tree };

/** Every message of a file by its dotted key (array items by index). */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree === 'string') return out.set(prefix, tree);
  for (const [k, v] of Object.entries(tree)) for (const [key, message] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(key, message);
  return out;
}

interface AstNode {
  type: number;
  value?: string;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

/** The placeholders of a parsed message as `name:type` (argument, number, date, time, select, plural). */
function placeholders(nodes: AstNode[], out = new Set<string>()): Set<string> {
  for (const n of nodes) {
    if (n.type >= 1 && n.type <= 6 && n.value) out.add(`${n.value}:${n.type === 1 ? 'argument' : n.type}`);
    for (const o of Object.values(n.options ?? {})) placeholders(o.value, out);
    if (n.children) placeholders(n.children, out);
  }
  return out;
}

/** Values that may stand the same in both files: names, codes, loanwords and symbols. */
const SAME_IN_BOTH = new Set([
  'seglab', 'Deutsch', 'English', 'CSV, TSV, TXT, Parquet, JSON, NDJSON, Excel, Arrow', 'Apache-2.0', 'UTF-8', 'Windows-1252',
  'SQL', 'Markdown', 'RFM', 'CLV', 'BG/NBD', 'Gamma-Gamma', 'k-means', 'k-modes', 'IBAN', 'Notebook', 'Lookalikes', 'Leads',
  'Segment', '+ Segment', 'Segment {n}', 'Seed', 'Seeds', 'Salt', 'Scores', 'Tags', 'Fit', 'Lift', 'Heatmap', 'Frequency',
  'Monetary', 'Rate', 'p (Holm)', 'log1p + z', 'SELECT * FROM kunden LIMIT 100', '< b1 → 1 … ≥ b4 → 5', '≤ b1 → 5 … > b4 → 1',
  '✓ {file}', 'Details', 'Export', 'Format', 'Index', 'Link', 'Name', 'Operator', 'Parameter', 'Rest'
]);

const files = { en: flatten(en), de: flatten(de) };
const UNFORMATTED = /\{\s*[A-Za-z_]\w*\s*[,}]/;

/** Every text `t` gives in the current language, each function leaf called with sample values. */
function texts(node: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof node === 'string') out.push([path, node]);
  else if (Array.isArray(node)) node.forEach((v, i) => texts(v, `${path}.${i}`, out));
  else if (typeof node === 'function') {
    for (const sample of [0, 1, 2, 1234.5, true, 'de', 'en']) {
      const args = Array.from({ length: node.length }, () => sample);
      let text: string;
      try {
        text = node(...args);
      } catch {
        text = node(...args.map(() => ['a.csv', 'b.csv']));
      }
      out.push([`${path}(${String(sample)})`, text]);
    }
  } else if (node && typeof node === 'object') {
    for (const key of Object.keys(node)) texts((node as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
  }
  return out;
}

describe('message files (src/lib/i18n/*.json)', () => {
  it('have the same keys in German and English', () => {
    expect([...files.de.keys()].sort()).toEqual([...files.en.keys()].sort());
  });

  it.each(['en', 'de'] as const)('%s: every message parses as ICU MessageFormat', (lang) => {
    for (const [key, message] of files[lang]) expect(() => getMessageFormatter(message, lang), key).not.toThrow();
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, message] of files.en) {
      const english = placeholders(getMessageFormatter(message, 'en').getAst() as AstNode[]);
      const german = placeholders(getMessageFormatter(files.de.get(key) ?? '', 'de').getAst() as AstNode[]);
      expect([...german].sort(), key).toEqual([...english].sort());
    }
  });

  it('translate every message except names, codes and symbols', () => {
    const copied = [...files.en]
      .filter(([key, message]) => files.de.get(key) === message && !SAME_IN_BOTH.has(message))
      .filter(([, message]) => /\p{L}{2}/u.test(message.replace(/\{[^}]*\}/g, '')));
    expect(copied).toEqual([]);
  });
});

describe('t (strings.ts)', () => {
  const missing: string[] = [];

  beforeAll(() => {
    // No fallback locale: a key missing in either file reaches the handler instead of the other language.
    init({ fallbackLocale: 'none', initialLocale: 'en', handleMissingMessage: ({ locale, id }) => void missing.push(`${locale}: ${id}`) });
  });

  afterAll(() => {
    init({ fallbackLocale: 'en', initialLocale: 'en' });
    language.set('en');
  });

  it.each(['en', 'de'] as Language[])('%s: formats every text from the message files, placeholders filled', (lang) => {
    language.set(lang);
    const all = texts(t, '');
    expect(all.length).toBeGreaterThan(files.en.size);
    expect(missing).toEqual([]);
    for (const [path, text] of all) {
      expect(text, path).toBeTypeOf('string');
      expect(text, path).not.toBe('');
      expect(text, path).not.toMatch(UNFORMATTED);
    }
  });

  it('follows the UI language', () => {
    language.set('de');
    expect(t.files.heading).toBe('Daten hinzufügen');
    expect(t.load.rows('1')).toBe('1 Zeile');
    expect(t.persist.reattach.confirm(3)).toBe('3 Dateien laden');
    expect(t.gallery.examples.retail.methods).toEqual(['SQL', 'Diagramme']);
    language.set('en');
    expect(t.files.heading).toBe('Add data');
    expect(t.load.rows('1 234')).toBe('1 234 rows');
    expect(t.persist.reattach.confirm(1)).toBe('Load 1 file');
    expect(t.notebook.errorAt(3)).toBe('Line 3');
    expect(t.notebook.errorAt(3, 7)).toBe('Line 3, column 7');
  });
});

describe('pickLanguage(languages)', () => {
  it('takes the first German or English entry', () => {
    expect(pickLanguage(['de-AT', 'en'])).toBe('de');
    expect(pickLanguage(['fr-FR', 'de-DE', 'en'])).toBe('de');
    expect(pickLanguage(['en-GB', 'de'])).toBe('en');
  });

  it('falls back to English', () => {
    expect(pickLanguage(['fr', 'it'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });
});

describe('language.restore(storage, languages)', () => {
  afterAll(() => language.set('en'));

  it('prefers the stored choice to the browser languages', () => {
    const stored = new Map([['seglab.language', 'en']]);
    language.restore({ getItem: (k) => stored.get(k) ?? null }, ['de-DE']);
    expect(language.current).toBe('en');
    language.restore({ getItem: () => null }, ['de-DE']);
    expect(language.current).toBe('de');
    const kept = new Map<string, string>();
    language.choose('en', { setItem: (k, v) => void kept.set(k, v) });
    expect(kept.get('seglab.language')).toBe('en');
  });
});
