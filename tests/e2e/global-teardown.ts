import { existsSync, readFileSync, rmSync } from 'node:fs';
import { REQUEST_LOG } from './fixtures';

/** Sums up every request the whole e2e run made and fails the run on any off-origin one. */
export default function globalTeardown(): void {
  if (!existsSync(REQUEST_LOG)) throw new Error('no requests were recorded: the egress recorder did not run');
  const recs = readFileSync(REQUEST_LOG, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { url: string; sameOrigin: boolean; test: string });
  rmSync(REQUEST_LOG);
  const off = recs.filter((r) => !r.sameOrigin);
  console.log(`egress: ${recs.length} requests recorded over the e2e run, ${off.length} off-origin`);
  if (off.length) throw new Error(`off-origin requests:\n${off.map((r) => `${r.test}: ${r.url}`).join('\n')}`);
}
