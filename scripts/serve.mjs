#!/usr/bin/env node
// A minimal static file server for the built site, as any static host would serve it:
//   node scripts/serve.mjs [--dir build] [--port 4173] [--base /tools/seglab] [--isolate]
// --isolate adds the COOP/COEP headers that DuckDB-WASM's threaded build needs.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'build' },
    port: { type: 'string', default: '4173' },
    host: { type: 'string', default: '127.0.0.1' },
    base: { type: 'string', default: '' },
    isolate: { type: 'boolean', default: false }
  }
});
const root = path.resolve(values.dir);
const base = values.base.replace(/\/+$/, '');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.parquet': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8'
};

function resolve(urlPath) {
  if (base && !(urlPath === base || urlPath.startsWith(base + '/'))) return null;
  let rel = decodeURIComponent(urlPath.slice(base.length)) || '/';
  const full = path.join(root, path.normalize(rel));
  if (!full.startsWith(root)) return null;
  for (const candidate of [full, path.join(full, 'index.html'), full + '.html']) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* try the next candidate */
    }
  }
  return null;
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const file = resolve(url.pathname);
  if (values.isolate) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': types[path.extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-cache'
  });
  createReadStream(file).pipe(res);
}).listen(Number(values.port), values.host, () => {
  console.log(`seglab: serving ${path.relative(process.cwd(), root) || '.'} at http://${values.host}:${values.port}${base}/`);
});
