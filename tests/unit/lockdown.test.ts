import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/lib/engine/db';
import { Engine } from '../../src/lib/engine/engine';
import { exportCsv } from '../../src/lib/engine/export';
import { file } from './helpers/db';
import { useWasmAndNative } from './helpers/wasm-and-native';

// Issue 8, point 6: a notebook opened from a file or a link is data, not code. Every backend
// starts locked down (src/lib/engine/db.ts `lockdownSql`), so no SQL a cell holds reaches the
// network, the disk outside the backend's scratch directory, or the settings that guard this.

const outside = mkdtempSync(path.join(os.tmpdir(), 'seglab-outside-'));
const secret = path.join(outside, 'secret.csv');
writeFileSync(secret, 'a\n1\n');

const dbs = useWasmAndNative(async () => {});
const backends: [string, () => Db][] = [
  ['DuckDB-WASM', () => dbs.db],
  ['native DuckDB', () => dbs.native]
];

/** Escape attempts and what DuckDB answers; `wasmNoop` marks statements DuckDB-WASM accepts and ignores. */
const ATTEMPTS: { sql: string; error: RegExp; wasmNoop?: true }[] = [
  { sql: "SELECT * FROM read_csv('https://example.com/x.csv')", error: /Permission Error: Cannot access file "https:\/\/example\.com\/x\.csv"/ },
  { sql: "SELECT * FROM 'https://example.com/x.parquet'", error: /Permission Error|Catalog Error|Missing Extension/ },
  { sql: 'INSTALL httpfs', error: /Permission Error/, wasmNoop: true },
  { sql: 'LOAD httpfs', error: /Permission Error: Loading external extensions is disabled/ },
  { sql: "ATTACH 'https://example.com/x.db' AS remote", error: /Permission Error|Missing Extension Error/ },
  { sql: `ATTACH '${secret.replace('secret.csv', 'x.db')}' AS local_file`, error: /Permission Error: Cannot access file/ },
  { sql: 'SET enable_external_access = true', error: /configuration has been locked/ },
  { sql: 'SET lock_configuration = false', error: /configuration has been locked/ },
  { sql: 'RESET lock_configuration', error: /configuration has been locked/ },
  { sql: "SET allowed_directories = ['/']", error: /configuration has been locked/ },
  { sql: 'SET autoload_known_extensions = true', error: /configuration has been locked/ },
  { sql: "COPY (SELECT 1) TO '/etc/x'", error: /Permission Error: Cannot access file "\/etc\/x"/ },
  { sql: "SELECT * FROM read_text('/etc/passwd')", error: /Permission Error: Cannot access file "\/etc\/passwd"/ },
  { sql: `SELECT * FROM read_csv('${secret}')`, error: /Permission Error: Cannot access file/ },
  { sql: "SELECT * FROM glob('/etc/*')", error: /Permission Error/ },
  { sql: `SELECT 1 AS a; SET enable_external_access = true`, error: /configuration has been locked/ }
];

describe('lockdownSql (every backend at start)', () => {
  for (const [label, db] of backends) {
    describe(label, () => {
      for (const attempt of ATTEMPTS) {
        it(`refuses ${attempt.sql}`, async () => {
          if (attempt.wasmNoop && db().kind === 'wasm') {
            // DuckDB-WASM's INSTALL only records the name; the fetch would happen at LOAD, which fails.
            await db().exec(attempt.sql);
            const [httpfs] = await db().rows<{ installed: boolean; loaded: boolean }>(
              "SELECT installed, loaded FROM duckdb_extensions() WHERE extension_name = 'httpfs'"
            );
            expect(httpfs).toEqual({ installed: false, loaded: false });
            await expect(db().exec('LOAD httpfs')).rejects.toThrow(/Loading external extensions is disabled/);
            return;
          }
          await expect(db().exec(attempt.sql)).rejects.toThrow(attempt.error);
        });
      }

      it('keeps the settings it locked', async () => {
        const rows = await db().rows<{ name: string; value: string }>(
          "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', 'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions') ORDER BY name"
        );
        expect(rows).toEqual([
          { name: 'autoinstall_known_extensions', value: 'false' },
          { name: 'autoload_known_extensions', value: 'false' },
          { name: 'enable_external_access', value: 'false' },
          { name: 'lock_configuration', value: 'true' }
        ]);
      });

      it('still loads files, writes exports and sets variables in its scratch directory', async () => {
        const engine = new Engine(db(), 2 * 1024 ** 3);
        const info = await engine.load(file('kunden.csv', 'id;name\n1;Anna\n2;Ben\n'));
        expect(info.rows).toBe(2);
        const csv = await exportCsv(db(), { table: info.name });
        expect(new TextDecoder().decode(csv.bytes)).toBe('id,name\n1,Anna\n2,Ben\n');
        await db().exec("SET VARIABLE reference_date = DATE '2025-01-31'");
        expect(await db().rows("SELECT getvariable('reference_date')::VARCHAR AS d")).toEqual([{ d: '2025-01-31' }]);
        await engine.dropTable(info.name);
      });
    });
  }
});
