import type { FileFormat } from '../api';
import { said } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { formatFromName } from '../../notebook/model';


/** Formats whose files always start with magic bytes; text named so is read as text. */
const BINARY_FORMATS = new Set<FileFormat>(['parquet', 'arrow', 'xlsx']);

/**
 * Decides a file's format from its first bytes, falling back to the extension. Content wins over
 * the name where the magic bytes are unambiguous, so a Parquet file named `.csv` still loads, and
 * text named `.parquet`, `.arrow` or `.xlsx` (some systems export CSV as `.xls`) is read as text.
 * @param source the file
 */
export async function detectFormat(source: ByteSource): Promise<FileFormat> {
  if (source.size === 0) {
    throw new EngineError({ code: 'FILE_EMPTY', ...said('fileEmpty'), file: source.name });
  }
  const head = await source.read(0, Math.min(source.size, 4096));
  const ascii = String.fromCharCode(...head.subarray(0, 8));
  const ext = /\.([a-z0-9]+)$/i.exec(source.name)?.[1]?.toLowerCase() ?? '';
  if (ascii.startsWith('PAR1')) return 'parquet';
  if (ascii.startsWith('ARROW1')) return 'arrow';
  if (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return 'arrow';
  if (ascii.startsWith('PK\x03\x04')) {
    if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx';
    throw new EngineError({ code: 'UNSUPPORTED', ...said('zipArchive'), file: source.name });
  }
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new EngineError({ code: 'UNSUPPORTED', ...said('oldExcel'), file: source.name });
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new EngineError({ code: 'UNSUPPORTED', ...said('gzip'), file: source.name });
  }
  const byExt = formatFromName(source.name);
  if (byExt === 'json' || byExt === 'ndjson') return jsonShape(head) ?? byExt;
  if (byExt && !(BINARY_FORMATS.has(byExt) && !looksBinary(head))) return byExt;
  const shape = jsonShape(head);
  if (shape) return shape;
  if (looksBinary(head)) {
    throw new EngineError({ code: 'FILE_FORMAT', ...said('unknownBinary'), file: source.name });
  }
  return 'csv';
}

function jsonShape(head: Uint8Array): FileFormat | null {
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) {
    const firstLineEnd = text.indexOf('\n');
    const first = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd).trim();
    return first.endsWith('}') ? 'ndjson' : 'json';
  }
  return null;
}

/**
 * True when a byte sample is unlikely to be text: NUL bytes or many control characters.
 * @param head the first bytes of a file
 */
export function looksBinary(head: Uint8Array): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > head.length * 0.05;
}
