import { describe, expect, it, beforeAll } from 'vitest';
import { Engine, TABLE_SHARE } from '../../src/lib/engine/engine';
import { EngineError } from '../../src/lib/engine/errors';
import { ipcToRows } from '../../src/lib/engine/arrow-rows';
import { file, openTestEngine } from './helpers/db';

describe('Engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openTestEngine();
  });

  it('refuses to autoload extensions from the network', async () => {
    const rows = await engine.db.rows<{ a: string; b: string }>(
      "SELECT current_setting('autoload_known_extensions')::VARCHAR AS a, current_setting('autoinstall_known_extensions')::VARCHAR AS b"
    );
    expect(rows).toEqual([{ a: 'false', b: 'false' }]);
  });

  it('returns query results as Arrow IPC with plain JS values', async () => {
    const ipc = await engine.query("SELECT 42::BIGINT AS n, 1.25::DECIMAL(10,2) AS d, DATE '2025-12-31' AS day");
    expect(ipcToRows(ipc)).toEqual([{ n: 42, d: 1.25, day: '2025-12-31' }]);
  });

  it('lets tables fill only TABLE_SHARE of its memory, keeping the rest for the analyses', async () => {
    const csv = `id,betrag\n${Array.from({ length: 2000 }, (_, i) => `${i},${i * 1.5}`).join('\n')}\n`;
    const used = await engine.usedBytes();
    const { memoryBytes } = await engine.inspect(file('share.csv', csv));
    // A budget the file alone would fit in, but not within the tables' share of it, and one it fits in.
    const tight = used + memoryBytes / TABLE_SHARE - 1;
    const roomy = (used + memoryBytes) / TABLE_SHARE + 1;
    expect(used + memoryBytes).toBeLessThan(tight);
    const cramped = await new Engine(engine.db, tight).inspect(file('share.csv', csv));
    expect(cramped.fits).toBe(false);
    expect(cramped.availableBytes).toBeCloseTo(tight * TABLE_SHARE - used, -1);
    expect((await new Engine(engine.db, roomy).inspect(file('share.csv', csv))).fits).toBe(true);
  });

  it('reports an empty file by name and keeps other tables', async () => {
    const err = await engine.load(file('leer.csv', '')).catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'FILE_EMPTY', file: 'leer.csv' });
  });

  it('marks SQL errors with line and column', async () => {
    const err = await engine.query('SELECT 1,\n  2 FROM').catch((e) => e);
    expect(err).toMatchObject({ code: 'SQL_PARSE' });
    expect(err.line).toBe(2);
  });
});

describe('fromDuckDBError', () => {
  it('takes the position from the caret under LINE n', async () => {
    const engine = await openTestEngine();
    const err = await engine.query('SELECT 1,\n  nope(2)').catch((e) => e);
    expect(err).toMatchObject({ code: 'SQL_BIND', line: 2, column: 3 });
  });
});
