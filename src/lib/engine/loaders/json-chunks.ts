import { said } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';

/** A slice of a JSON or NDJSON file, rewritten as one JSON array of records. */
export interface JsonChunk {
  /** UTF-8 text of a JSON array: `[` + records + `]`; line breaks kept, so lines map back. */
  bytes: Uint8Array;
  /** 1-based line in the file where the chunk's first line starts. */
  firstLine: number;
  /** Bytes of the file consumed so far (for progress). */
  end: number;
}

const READ = 4 * 1024 * 1024;
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NL = 0x0a;

/** What a JSON file holds at its top level, from its first significant byte. */
export type JsonTop = 'array' | 'object' | 'scalar' | 'empty';

/**
 * Looks at the first significant byte (after a BOM and white space).
 * @param source the file
 */
export async function jsonTop(source: ByteSource): Promise<JsonTop> {
  for (let pos = 0; pos < source.size; pos += 64 * 1024) {
    const bytes = await source.read(pos, Math.min(source.size, pos + 64 * 1024));
    for (let i = pos === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (isSpace(b)) continue;
      return b === OPEN ? 'array' : b === LBRACE ? 'object' : 'scalar';
    }
  }
  return 'empty';
}

/**
 * Splits a top-level JSON array into chunks of about `chunkBytes`, cutting only between records
 * (at top-level commas), so a file is never held whole. Strings and escapes are tracked byte by
 * byte; structural characters are ASCII, so UTF-8 needs no decoding here.
 * @param source the file (must start with `[`, see `jsonTop`)
 * @param chunkBytes target chunk size
 */
export async function* arrayChunks(source: ByteSource, chunkBytes: number): AsyncGenerator<JsonChunk> {
  let depth = 0;
  let inString = false;
  let escape = false;
  let line = 1;
  let chunkLine = 1;
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let regionStart = -1;
  let done = false;
  let meaningful = false;
  for (let pos = 0; pos < source.size; pos += READ) {
    const bytes = await source.read(pos, Math.min(source.size, pos + READ));
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === NL) line++;
      if (done) {
        if (!isSpace(b)) {
          throw new EngineError({ code: 'FILE_FORMAT', ...said('jsonEndsEarly', { line: String(line) }), file: source.name });
        }
        continue;
      }
      if (inString) {
        if (escape) escape = false;
        else if (b === BACKSLASH) escape = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) {
        inString = true;
        meaningful = true;
      } else if (b === OPEN || b === LBRACE) {
        depth++;
        if (depth === 1) {
          regionStart = i + 1;
          from = regionStart;
          chunkLine = line;
        } else meaningful = true;
      } else if (b === CLOSE || b === RBRACE) {
        depth--;
        if (depth === 0) {
          parts.push(bytes.subarray(from, i));
          if (meaningful) yield chunkOf(parts, chunkLine, pos + i + 1);
          parts = [];
          done = true;
        }
      } else if (b === COMMA && depth === 1 && partBytes + (i - from) >= chunkBytes) {
        parts.push(bytes.subarray(from, i));
        yield chunkOf(parts, chunkLine, pos + i + 1);
        parts = [];
        partBytes = 0;
        meaningful = false;
        from = i + 1;
        chunkLine = line;
      } else if (!isSpace(b) && depth >= 1) meaningful = true;
    }
    if (!done && regionStart >= 0) {
      const rest = bytes.slice(from);
      parts.push(rest);
      partBytes += rest.length;
    }
  }
  if (!done) {
    throw new EngineError({ code: 'FILE_FORMAT', ...said('jsonNotClosed', { line: String(line) }), file: source.name });
  }
}

/**
 * Splits NDJSON (one JSON value per line) into chunks of whole lines of about `chunkBytes`, each
 * rewritten as a JSON array. Blank lines are skipped; line numbers are kept.
 * @param source the file
 * @param chunkBytes target chunk size
 */
export async function* ndjsonChunks(source: ByteSource, chunkBytes: number): AsyncGenerator<JsonChunk> {
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let pos = 0;
  while (pos < source.size) {
    const read = await source.read(pos, Math.min(source.size, pos + chunkBytes));
    pos += read.length;
    const buf = concat(carry, read);
    const cut = pos >= source.size ? buf.length : buf.lastIndexOf(NL) + 1;
    if (cut === 0) {
      carry = buf;
      continue;
    }
    carry = buf.slice(cut);
    const { bytes, lines } = wrapLines(buf.subarray(0, cut), line === 1);
    const firstLine = line;
    line += lines;
    if (bytes) yield { bytes, firstLine, end: pos - carry.length };
  }
}

function wrapLines(piece: Uint8Array, fileStart: boolean): { bytes: Uint8Array | null; lines: number } {
  let newlines = 0;
  let records = 0;
  for (const b of piece) if (b === NL) newlines++;
  const out = new Uint8Array(piece.length + newlines + 3);
  let o = 0;
  out[o++] = OPEN;
  let start = 0;
  for (let i = 0; i <= piece.length; i++) {
    if (i < piece.length && piece[i] !== NL) continue;
    const bom = fileStart && start === 0 && piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf;
    const lineBytes = piece.subarray(bom ? 3 : start, i);
    let blank = true;
    for (const b of lineBytes) if (!isSpace(b)) blank = false;
    if (!blank) {
      if (records++) out[o++] = COMMA;
      out.set(lineBytes, o);
      o += lineBytes.length;
    }
    if (i < piece.length) out[o++] = NL;
    start = i + 1;
  }
  out[o++] = CLOSE;
  return { bytes: records ? out.subarray(0, o) : null, lines: newlines };
}

/** Nesting deeper than this is refused: no table has such columns, and deep values overflow parsers. */
export const MAX_JSON_DEPTH = 100;

/**
 * Throws a `FILE_FORMAT` error naming the line when JSON text nests arrays / objects more than
 * `MAX_JSON_DEPTH` levels below its records (a chunk's own `[` is level 0).
 * @param bytes UTF-8 JSON text (a chunk, or a whole object)
 * @param file the file name for the message
 * @param firstLine the file line where `bytes` starts
 * @param outer levels that wrap the records (1 for a chunk's `[…]`, 0 for a single object)
 */
export function checkJsonDepth(bytes: Uint8Array, file: string, firstLine: number, outer: number): void {
  let depth = 0;
  let line = firstLine;
  let inString = false;
  let escape = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === NL) line++;
    if (inString) {
      if (escape) escape = false;
      else if (b === BACKSLASH) escape = true;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN || b === LBRACE) {
      if (++depth - outer > MAX_JSON_DEPTH) {
        throw new EngineError({ code: 'FILE_FORMAT', ...said('jsonTooDeep', { depth: MAX_JSON_DEPTH, line }), file });
      }
    } else if (b === CLOSE || b === RBRACE) depth--;
  }
}

function chunkOf(parts: Uint8Array[], firstLine: number, end: number): JsonChunk {
  const size = parts.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(size + 2);
  bytes[0] = OPEN;
  let o = 1;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  bytes[o] = CLOSE;
  return { bytes, firstLine, end };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}
