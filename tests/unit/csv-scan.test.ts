import { describe, expect, it } from 'vitest';
import { scanRecords, sniffDialect } from '../../src/lib/sql/csv-scan';
import { decodeWindows1252 } from '../../src/lib/engine/loaders/csv-chunks';
import { encode1252 } from '../fixtures/make-csv-fixtures';

describe('scanRecords', () => {
  const semi = { delimiter: ';', quote: '"' };

  it('cuts after the last record that ends outside quotes', () => {
    const text = 'a;b\n1;"x\ny"\n2;"open\n';
    const scan = scanRecords(text, semi, false);
    expect(text.slice(0, scan.end)).toBe('a;b\n1;"x\ny"\n');
    expect(scan.records).toBe(2);
    expect(scan.lines).toBe(3);
    expect(scan.quotedNewlines).toBe(true);
  });

  it('counts fields per record, skipping empty lines and delimiters inside quotes', () => {
    const text = 'a;b;c\r\n1;"2;3";4\r\n\r\n5;6\r\n7;8;9;10';
    const scan = scanRecords(text, semi, true);
    expect(scan.records).toBe(4);
    expect(scan.firstFields).toBe(3);
    expect([...scan.fieldCounts].sort()).toEqual([
      [2, 1],
      [3, 2],
      [4, 1]
    ]);
    expect(scan.end).toBe(text.length);
  });

  it('treats doubled quotes as literal quotes and a mid-field quote as text', () => {
    const scan = scanRecords('x;y\n"say ""hi""";5" pipe\n', semi, false);
    expect(scan.records).toBe(2);
    expect(scan.fieldCounts.get(2)).toBe(2);
  });

  it('reports a quoted field that never ends', () => {
    expect(scanRecords('a;b\n1;"open\n2;3\n', semi, true).unterminatedQuote).toBe(true);
  });

  it('waits for the next chunk when a quote or carriage return ends the text', () => {
    expect(scanRecords('a;"x""', semi, false).end).toBe(0);
    expect(scanRecords('a;b\r', semi, false).end).toBe(0);
  });
});

describe('sniffDialect', () => {
  it('prefers the delimiter that splits every record alike', () => {
    expect(sniffDialect('Name;Betrag\nMüller;1.234,56\nKöhler;12,5\n', false)).toEqual({ delimiter: ';', quote: '"' });
    expect(sniffDialect('id\tnote\n1\ta, b\n2\tc\n', false).delimiter).toBe('\t');
    expect(sniffDialect('a|b|c\n1|2|3\n', true).delimiter).toBe('|');
    expect(sniffDialect('"a, b",c\n"d, e",f\n', true).delimiter).toBe(',');
  });

  it('detects a single-quote quote character', () => {
    expect(sniffDialect("a,b\n'x,y',1\n'z,w',2\n", true)).toEqual({ delimiter: ',', quote: "'" });
  });

  it('keeps what the user fixed', () => {
    expect(sniffDialect('a;b,c\n1;2,3\n', true, { delimiter: ',' })).toEqual({ delimiter: ',', quote: '"' });
  });

  it('falls back to comma for a single column', () => {
    expect(sniffDialect('email\na@b.de\n', true)).toEqual({ delimiter: ',', quote: '"' });
  });
});

describe('decodeWindows1252', () => {
  it('decodes umlauts, sharp s and the euro sign', () => {
    expect(decodeWindows1252(encode1252('Grüße aus Köln: 5 € „Ä Ö Ü ß“'))).toBe('Grüße aus Köln: 5 € „Ä Ö Ü ß“');
  });
});
