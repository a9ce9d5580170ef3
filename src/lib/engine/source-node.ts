import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ByteSource } from './source';

/**
 * Wraps a file on disk (runner, tests). Slices are read on demand, never the whole file at once;
 * `path` is set so native DuckDB can read the file directly. Throws (ENOENT) when the file is missing.
 * @param file path to the file (made absolute)
 * @param name the name shown to the user (default: the file's base name)
 */
export function nodeFileSource(file: string, name = path.basename(file)): ByteSource {
  const absolute = path.resolve(file);
  const { size } = statSync(absolute);
  return {
    name,
    size,
    path: absolute,
    async read(start, end) {
      const from = Math.max(0, Math.min(start, size));
      const length = Math.max(0, Math.min(end, size) - from);
      const out = new Uint8Array(length);
      if (!length) return out;
      const handle = await open(absolute, 'r');
      try {
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, from + done);
          if (!bytesRead) break;
          done += bytesRead;
        }
        return done === length ? out : out.subarray(0, done);
      } finally {
        await handle.close();
      }
    }
  };
}
