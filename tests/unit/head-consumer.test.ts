import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { headConsumer, runCell } from '../../src/lib/engine/run-notebook';
import { openTestEngine } from './helpers/db';

describe('headConsumer', () => {
  it('keeps the first rows and counts the whole result of a cell', async () => {
    const engine = await openTestEngine();
    for (const [n, limit] of [
      [7, 10],
      [10, 10],
      [25, 10]
    ]) {
      const head = headConsumer(engine, limit);
      const run = await runCell(engine, { id: `c${n}`, kind: 'sql', sql: `SELECT range AS i FROM range(${n})` }, { consume: head.consume });
      expect(run.rows).toBe(n);
      const table = tableFromIPC(head.bytes());
      expect(table.numRows).toBe(Math.min(n, limit));
      expect(Number(table.getChild('i')!.get(0))).toBe(0);
    }
  });
});
