import { describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/lib/engine/export';
import type { LeadsCell, RuleGroup } from '../../src/lib/notebook/model';
import { leadTierQuery } from '../../src/lib/sql/lead-tiers';
import { useWasmAndNative } from './helpers/wasm-and-native';

/** 5,000 leads and 40,000 activities made from hashes, so both databases hold the same rows. */
const dbs = useWasmAndNative(async (db) => {
  await db.exec(`CREATE TABLE leads AS SELECT 'L' || i AS id, ['Maschinenbau', 'Chemie', 'Handel', NULL][1 + CAST(hash(i) % 4 AS INTEGER)] AS branche,
    CAST(hash(i * 7) % 2000 AS INTEGER) AS mitarbeiter, (hash(i * 11) % 1000) / 1000.0 AS lookalike FROM range(5000) t(i)`);
  await db.exec(`CREATE TABLE events AS SELECT 'L' || (hash(j) % 5000) AS lead, DATE '2025-01-01' + CAST(hash(j * 3) % 200 AS INTEGER) AS day,
    ['visit', 'mail', 'demo'][1 + CAST(hash(j * 5) % 3 AS INTEGER)] AS kind FROM range(40000) t(j)`);
});

const group = (...rules: RuleGroup['rules']): RuleGroup => ({ type: 'group', op: 'and', rules });

const CELL: LeadsCell = {
  id: 'leads',
  kind: 'leads',
  table: 'leads',
  key: 'id',
  fit: {
    kind: 'points',
    rules: [
      { label: 'Branche', points: 20.5, rule: group({ type: 'condition', column: 'branche', op: 'in', values: ['Maschinenbau', 'Chemie'] }) },
      { label: 'Größe', points: 0.1, rule: group({ type: 'condition', column: 'mitarbeiter', op: 'between', values: [50, 999] }) },
      { label: 'Top 10 %', points: 0.2, rule: group({ type: 'condition', column: 'lookalike', op: 'top_pct', value: 10 }) }
    ]
  },
  engagement: {
    kind: 'points',
    rules: [
      { label: 'Besuche', points: 3.3, rule: group({ type: 'behaviour', table: 'events', key: 'lead', measure: 'count', dateColumn: 'day', window: { kind: 'last_days', days: 60 }, op: 'gte', value: 3 }) },
      { label: 'Demo', points: 7.7, rule: group({ type: 'behaviour', table: 'events', key: 'lead', measure: 'exists', where: group({ type: 'condition', column: 'kind', op: 'eq', value: 'demo' }) }) }
    ]
  },
  fitCuts: { by: 'share', first: 0.1, second: 0.2 }
};

describe('leadTierQuery on DuckDB-WASM and native DuckDB', () => {
  it('writes the same CSV bytes with points, shares and an upstream score', async () => {
    for (const cell of [CELL, { ...CELL, fit: { kind: 'column', column: 'lookalike' } } as LeadsCell]) {
      const query = String(leadTierQuery(cell, '2025-06-30'));
      const [wasm, native] = await Promise.all([exportCsv(dbs.db, { sql: query }), exportCsv(dbs.native, { sql: query })]);
      expect(wasm.rows).toBe(5000);
      expect(Buffer.from(native.bytes).equals(Buffer.from(wasm.bytes))).toBe(true);
    }
  });
});
