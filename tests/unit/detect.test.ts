import { describe, expect, it } from 'vitest';
import { detectFormat, looksBinary } from '../../src/lib/engine/loaders/detect';
import { file } from './helpers/db';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('detectFormat', () => {
  it('trusts magic bytes over the file name', async () => {
    expect(await detectFormat(file('daten.csv', bytes(0x50, 0x41, 0x52, 0x31, 0, 0)))).toBe('parquet');
    expect(await detectFormat(file('x.bin', new TextEncoder().encode('ARROW1\0\0')))).toBe('arrow');
  });

  it('tells JSON arrays from NDJSON by content', async () => {
    expect(await detectFormat(file('a.json', '\uFEFF [{"a":1}]'))).toBe('json');
    expect(await detectFormat(file('a.json', '{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(await detectFormat(file('a.txt', 'a;b\n1;2\n'))).toBe('csv');
  });

  it('explains zip archives, old Excel files, gzip and empty files', async () => {
    await expect(detectFormat(file('k.zip', bytes(0x50, 0x4b, 3, 4, 0)))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(detectFormat(file('k.xls', bytes(0xd0, 0xcf, 0x11, 0xe0, 0)))).rejects.toThrow(/\.xls/);
    await expect(detectFormat(file('k.csv.gz', bytes(0x1f, 0x8b, 8, 0)))).rejects.toThrow(/Gzip/);
    await expect(detectFormat(file('leer.csv', ''))).rejects.toMatchObject({ code: 'FILE_EMPTY', file: 'leer.csv' });
  });
});

describe('looksBinary', () => {
  it('flags NUL bytes and control-character noise but not umlauts', () => {
    expect(looksBinary(bytes(0x61, 0x00, 0x62))).toBe(true);
    expect(looksBinary(bytes(...Array.from({ length: 40 }, (_, i) => (i % 2 ? 0x01 : 0x41))))).toBe(true);
    expect(looksBinary(new TextEncoder().encode('Müller;Straße\r\n'))).toBe(false);
  });
});
