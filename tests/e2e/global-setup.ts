import { rmSync } from 'node:fs';
import { REQUEST_LOG } from './fixtures';

/** Starts the run with an empty request log. */
export default function globalSetup(): void {
  rmSync(REQUEST_LOG, { force: true });
}
