import * as Comlink from 'comlink';
import type { ColumnTable } from 'arquero';
import { gridTable, rowOrder, type GridFilters, type SortKey, type TransformApi } from './transform';

/** The grid transform worker: holds one result as an Arquero table and answers row orders for it. */
let current: { id: number; table: ColumnTable } | null = null;
let incoming: { id: number; parts: Uint8Array[] } = { id: -1, parts: [] };

const api: TransformApi = {
  append(id: number, part: Uint8Array) {
    if (incoming.id !== id) incoming = { id, parts: [] };
    incoming.parts.push(part);
  },
  load(id: number) {
    if (incoming.id !== id) throw new Error(`grid transform: no bytes for result ${id}`);
    const bytes = new Uint8Array(incoming.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of incoming.parts) {
      bytes.set(p, at);
      at += p.length;
    }
    incoming = { id: -1, parts: [] };
    current = null;
    current = { id, table: gridTable(bytes) };
  },
  order(id: number, sort: SortKey[], filters: GridFilters) {
    if (!current || current.id !== id) throw new Error(`grid transform: result ${id} is not loaded`);
    const order = rowOrder(current.table, sort, filters);
    return Comlink.transfer(order, [order.buffer]);
  }
};

Comlink.expose(api);
