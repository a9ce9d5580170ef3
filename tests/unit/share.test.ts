import { readFileSync } from 'node:fs';
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { MAX_SHARED_BYTES, readShareFragment, shareFragment } from '../../src/lib/notebook/share';
import { NotebookFormatError, readNotebook } from '../../src/lib/notebook/validate';

const sample = (name: string) => readNotebook(readFileSync(`static/samples/${name}.notebook.json`, 'utf8'));

function pack(bytes: Uint8Array): string {
  return `#nb=${Buffer.from(deflateSync(bytes)).toString('base64url')}`;
}

describe('share links', () => {
  it('carries every example notebook through the fragment unchanged', () => {
    for (const name of ['retail', 'segments', 'value']) {
      const notebook = sample(name);
      const fragment = shareFragment(notebook);
      expect(fragment).toMatch(/^nb=[A-Za-z0-9_-]+$/);
      expect(serializeNotebook(readShareFragment(`#${fragment}`)!)).toBe(serializeNotebook(notebook));
    }
  });

  it('packs the largest example (46 KB of JSON) into a link of a few KB', () => {
    const json = serializeNotebook(sample('segments'));
    const fragment = shareFragment(sample('segments'));
    expect(json.length).toBeGreaterThan(40_000);
    expect(fragment.length).toBeLessThan(json.length / 5);
  });

  it('leaves the pseudonym salt with the sender', () => {
    const notebook = sample('retail');
    notebook.settings = { ...notebook.settings, pseudonymSalt: 'c2VjcmV0LXNhbHQtMTIzNDU2Nzg5MA' };
    const received = readShareFragment(shareFragment(notebook))!;
    expect(received.settings?.pseudonymSalt).toBeUndefined();
    expect(received.settings?.locale).toBe('de');
  });

  it('returns null for a fragment without a notebook', () => {
    expect(readShareFragment('')).toBeNull();
    expect(readShareFragment('#section-2')).toBeNull();
  });

  it('refuses a damaged link, a deflate bomb and a notebook that does not validate, saying why', () => {
    const fragment = shareFragment(sample('retail'));
    expect(() => readShareFragment(`#${fragment.slice(0, 60)}`)).toThrow(/damaged/);
    expect(() => readShareFragment('#nb=%%%')).toThrow(/damaged/);
    expect(() => readShareFragment(pack(new Uint8Array(MAX_SHARED_BYTES * 3)))).toThrow(/larger than 4 MB/);
    expect(() => readShareFragment(pack(strToU8('{"format":"seglab-notebook","version":1,"cells":[{"id":"a; DROP","kind":"sql"}]}')))).toThrow(
      NotebookFormatError
    );
  });
});
