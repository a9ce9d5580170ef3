import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { detectFormat } from '../../src/lib/engine/loaders/detect';
import de from '../../src/lib/i18n/de.json';
import en from '../../src/lib/i18n/en.json';
import * as Comlink from 'comlink';
import { fitBgnbd } from '../../src/lib/analysis/bgnbd';
import '../../src/lib/engine/transfer';
import { note, NoteError } from '../../src/lib/i18n/note';
import { readShareFragment } from '../../src/lib/notebook/share';
import { deeper, RuleError } from '../../src/lib/sql/segment-rules';
import { describeError } from '../../src/lib/ui/describe-error';
import { language, noteText, runError } from '../../src/lib/ui/language.svelte';
import { CSV_FIXTURE_DIR } from '../fixtures/make-csv-fixtures';
import { file, openTestEngine } from './helpers/db';

const ROOT = path.resolve(__dirname, '../../src/lib');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|svelte)$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * Every key the code passes to `note(…)`, `said(…)` or a loader's `fail(…)`: the quoted names before
 * the values object, both branches of a `cond ? 'a' : 'b'` (operands of `===` are not keys).
 */
function keysUsed(): Set<string> {
  const keys = new Set<string>();
  for (const p of sources(ROOT)) {
    const text = readFileSync(p, 'utf8');
    if (!/from '[./]+(i18n\/)?note'/.test(text)) continue;
    for (const m of text.matchAll(/\b(?:note|said|fail)\(([^{)]*)/g)) {
      for (const k of m[1].replace(/[!=]==\s*'[^']*'/g, '').matchAll(/'(\w+)'/g)) keys.add(k[1]);
    }
  }
  return keys;
}

describe('engine notes (notes.* in src/lib/i18n/*.json)', () => {
  const used = keysUsed();

  it('every key the engine and the SQL builders use is in both languages', () => {
    expect(used.size).toBeGreaterThan(80);
    const missing = [...used].filter((k) => !(k in en.notes) || !(k in de.notes));
    expect(missing).toEqual([]);
  });

  it('every message in notes is used', () => {
    expect(Object.keys(en.notes).filter((k) => !used.has(k))).toEqual([]);
  });

  it('formats the English text from en.json, numbers as the runner always wrote them', () => {
    expect(note('csvSample', { rows: 1234, total: 56789 }).text).toBe('Loaded a sample: the first 1,234 rows of 56,789.');
    expect(note('csvTooFewFields', { rows: 1, width: '3' }).text).toBe('1 row had fewer than 3 fields; the missing values are NULL.');
    expect(note('mixedEncodings', { lines: 2 }).text).toBe(
      'Mixed encodings: 2 lines are not valid UTF-8 and were read as Windows-1252; the rest is UTF-8.'
    );
    expect(note('jsonScalar').text).toContain('([{…}, {…}])');
  });
});

describe('engine notes in the UI language', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });
  afterEach(() => language.set('en'));

  it('a Windows-1252 load warning carries its key and reads in German', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(CSV_FIXTURE_DIR, 'kunden_de_1252.csv')));
    const info = await engine.load(file('kunden_de_1252.csv', bytes));
    expect(info.warnings).toEqual([{ key: 'windows1252', text: 'Read as Windows-1252 (not valid UTF-8).' }]);
    language.set('de');
    expect(noteText(info.warnings[0])).toBe('Als Windows-1252 gelesen (kein gültiges UTF-8).');
    language.set('en');
    expect(noteText(info.warnings[0])).toBe('Read as Windows-1252 (not valid UTF-8).');
  });

  it('a rule error says its place and problem in the UI language, nested notes included', () => {
    const e = new RuleError(note('ruleChooseColumn'), deeper(deeper(note('pathSegment', { name: 'VIP' }), 2), note('pathWhere')), 'column');
    expect(e.message).toBe('segment "VIP" › 2 › where: choose a column');
    language.set('de');
    expect(noteText(e.note)).toBe('Segment „VIP“ › 2 › Filter: Wählen Sie eine Spalte');
  });

  it('numbers in values follow the UI language', () => {
    const w = note('csvSample', { rows: 1234, total: 56789 });
    language.set('de');
    expect(noteText(w)).toBe('Stichprobe geladen: die ersten 1.234 von 56.789 Zeilen.');
  });

  it('an engine error keeps key and values across JSON and reads in German; unknown keys fall back to the text', async () => {
    const thrown = await detectFormat(file('leer.csv', new Uint8Array(0))).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(EngineError);
    const copy = new EngineError((thrown as EngineError).toJSON());
    expect(copy).toMatchObject({ code: 'FILE_EMPTY', key: 'fileEmpty', message: 'The file is empty (0 bytes).' });
    language.set('de');
    expect(describeError(copy).message).toBe('Die Datei ist leer (0 Bytes).');
    expect(describeError(new EngineError({ code: 'SQL_PARSE', message: 'Parser Error: syntax error at or near "x"' })).message).toBe(
      'Parser Error: syntax error at or near "x"'
    );
    expect(noteText({ key: 'noSuchKey' as never, text: 'Kept as written.' })).toBe('Kept as written.');
    expect(runError({ error: 'The chart reads cell "a", which has no result.', errorKey: 'chartNoInput', errorValues: { cell: 'a' } })).toBe(
      'Das Diagramm liest die Zelle „a“, die kein Ergebnis hat.'
    );
  });

  it('a check in the analysis modules crosses the worker boundary with its key and reads in German', () => {
    const thrown = (() => {
      try {
        fitBgnbd({ x: Float64Array.of(0, 0), tx: Float64Array.of(0, 0), T: Float64Array.of(5, 7) });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(NoteError);
    const handler = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<{ value: unknown }, unknown>;
    const [wire] = handler.serialize({ value: thrown });
    const received = (() => {
      try {
        handler.deserialize(JSON.parse(JSON.stringify(wire)));
      } catch (e) {
        return e;
      }
    })();
    expect(received).toBeInstanceOf(EngineError);
    expect(received).toMatchObject({ key: 'bgnbdNoRepeat', values: { n: 2 } });
    language.set('de');
    expect(describeError(received).message).toBe(
      'BG/NBD: Keiner der 2 Kunden hat einen Wiederholungskauf (x > 0), daher lässt sich die Abwanderung nicht schätzen.'
    );
  });

  it('a damaged share link is said in the UI language where it is read', () => {
    const thrown = (() => {
      try {
        readShareFragment('#nb=AAAA');
      } catch (e) {
        return e;
      }
    })();
    language.set('de');
    expect(describeError(thrown).message).toMatch(/^Der Link ist beschädigt/);
    language.set('en');
    expect(describeError(thrown).message).toMatch(/^The link is damaged/);
  });
});
