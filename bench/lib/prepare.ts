/** What the browser benchmarks need before they start: the data of a size and a built site. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The size's `transactions.parquet`, generated (with the size's other Parquet files) when missing.
 * @param size S, M, L or XL
 * @returns its absolute path
 */
export function ensureTransactionsParquet(size: string): string {
  const file = path.resolve('bench/data', size, 'transactions.parquet');
  if (!existsSync(file)) {
    const made = spawnSync('npx', ['tsx', 'bench/generate.ts', '--size', size, '--format', 'parquet'], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('bench/generate.ts failed');
  }
  return file;
}

/**
 * Builds the site into `dir` unless it already holds one.
 * @param dir the build directory (`BUILD_DIR`)
 */
export function ensureBuild(dir: string): void {
  if (existsSync(path.join(dir, 'index.html'))) return;
  const built = spawnSync('npx', ['vite', 'build'], { env: { ...process.env, BUILD_DIR: dir }, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('vite build failed');
}
