import { readFileSync } from 'node:fs';
import type { Engine } from '../../../src/lib/engine/engine';
import { file } from './db';
import { dataset } from './datasets';

/** `tests/fixtures/reference/rfm.json`, written by `scripts/reference/rfm.py` (see there for the rules). */
export const retailReference = JSON.parse(readFileSync(new URL('../../fixtures/reference/rfm.json', import.meta.url), 'utf8'));

/**
 * Loads the Online Retail data (hyparquet → Arrow → DuckDB-WASM, as in the browser) as table `retail`,
 * and the lines `scripts/reference/rfm.py` keeps as view `retail_clean` (CustomerID present, no 'C'
 * invoice, Quantity > 0, UnitPrice > 0) with `amount` = Quantity × UnitPrice.
 * @param engine a test engine
 */
export async function loadRetail(engine: Engine): Promise<void> {
  await engine.load(file('online_retail.parquet', new Uint8Array(readFileSync(dataset('online_retail/online_retail.parquet')))), { table: 'retail' });
  await engine.db.exec(`CREATE VIEW retail_clean AS SELECT CustomerID, InvoiceNo, InvoiceDate, Quantity * UnitPrice AS amount FROM retail
    WHERE CustomerID IS NOT NULL AND NOT starts_with(InvoiceNo, 'C') AND Quantity > 0 AND UnitPrice > 0`);
}
