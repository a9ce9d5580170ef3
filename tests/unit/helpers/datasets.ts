import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared reference datasets live beside the repository (`../shared/datasets`), in CI and on
 * developers' machines alike.
 * @param rel path inside `datasets/`, e.g. `online_retail/online_retail.parquet`
 */
export function dataset(rel: string): string {
  const file = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/datasets', rel);
  if (!existsSync(file)) throw new Error(`reference dataset missing: ${file} (expected ../shared/datasets beside the repository)`);
  return file;
}
