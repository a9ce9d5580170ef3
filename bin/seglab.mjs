#!/usr/bin/env node
// Node 20 cannot run TypeScript itself: tsx compiles src/ on the fly. `tsconfig: false` keeps the
// caller's own tsconfig.json (whatever directory they run from) out of it.
import { register } from 'tsx/esm/api';

register({ tsconfig: false });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
