import { describe, expect, it } from 'vitest';
import type { Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { language } from '../../src/lib/ui/language.svelte';
import { OpenUrlError, openNotebookUrl, sameOriginUrl } from '../../src/lib/ui/persist/open-url';

const ORIGIN = 'http://127.0.0.1:4186';
const PAGE = `${ORIGIN}/tools/seglab/?open=examples/a/nb.json`;

function notebook(sources: Notebook['sources']): Notebook {
  return {
    format: 'seglab-notebook',
    version: 1,
    title: 'Shop',
    sources,
    cells: [{ id: 'c1', kind: 'sql', sql: 'SELECT 1' }]
  };
}

/** A fetch over a fixed set of files that records every URL asked for. */
function fakeFetch(files: Record<string, { body: string; type?: string; status?: number; lastModified?: string; redirectedTo?: string }>) {
  const asked: string[] = [];
  const fn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const f = files[url];
    if (!f) return new Response('<!doctype html><title>404</title>', { status: 404, headers: { 'content-type': 'text/html' } });
    const headers: Record<string, string> = {};
    if (f.type) headers['content-type'] = f.type;
    if (f.lastModified) headers['last-modified'] = f.lastModified;
    const res = new Response(f.body, { status: f.status ?? 200, headers });
    if (f.redirectedTo) Object.defineProperty(res, 'url', { value: f.redirectedTo });
    return res;
  }) as typeof fetch;
  return { fn, asked };
}

async function failure(p: Promise<unknown>): Promise<OpenUrlError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OpenUrlError);
    return e as OpenUrlError;
  }
  throw new Error('expected a failure');
}

describe('openNotebookUrl', () => {
  it('resolves the notebook against a sub-path page and its sources against the notebook', async () => {
    const nb = notebook([
      { name: 'kunden', path: 'kunden.csv', format: 'csv' },
      { name: 'Bestellungen 2025', path: 'data/Bestellungen%202025.parquet' },
      { name: 'shared', path: '../shared/regions.json' },
      { name: 'absolute', path: '/tools/seglab/samples/x.ndjson' }
    ]);
    const { fn, asked } = fakeFetch({
      [`${ORIGIN}/tools/seglab/examples/a/nb.json`]: { body: serializeNotebook(nb), type: 'application/json' },
      [`${ORIGIN}/tools/seglab/examples/a/kunden.csv`]: { body: 'id;umsatz\n1;1.234,56\n', type: 'text/csv', lastModified: 'Wed, 31 Dec 2025 10:00:00 GMT' },
      [`${ORIGIN}/tools/seglab/examples/a/data/Bestellungen%202025.parquet`]: { body: 'PAR1', type: 'application/octet-stream' },
      [`${ORIGIN}/tools/seglab/examples/shared/regions.json`]: { body: '[{"a":1}]', type: 'application/json' },
      [`${ORIGIN}/tools/seglab/samples/x.ndjson`]: { body: '{"a":1}\n' }
    });
    const opened = await openNotebookUrl('examples/a/nb.json', PAGE, fn);
    expect(opened.url).toBe(`${ORIGIN}/tools/seglab/examples/a/nb.json`);
    expect(opened.notebook).toEqual(nb);
    expect(opened.missing).toEqual([]);
    expect(asked.every((u) => u.startsWith(`${ORIGIN}/tools/seglab/`))).toBe(true);
    const kunden = opened.files.get('kunden')!;
    expect(kunden.name).toBe('kunden.csv');
    expect(kunden.type).toBe('text/csv');
    expect(kunden.lastModified).toBe(Date.UTC(2025, 11, 31, 10));
    expect(await kunden.text()).toBe('id;umsatz\n1;1.234,56\n');
    const orders = opened.files.get('Bestellungen 2025')!;
    expect(orders.name).toBe('Bestellungen 2025.parquet');
    expect(orders.type).toBe('application/vnd.apache.parquet');
    expect(opened.files.get('shared')?.name).toBe('regions.json');
    expect(opened.files.get('absolute')?.type).toBe('application/x-ndjson');
  });

  it('refuses a notebook on another origin without asking it', async () => {
    const { fn, asked } = fakeFetch({});
    for (const param of ['https://evil.example/nb.json', '//evil.example/nb.json', 'http://127.0.0.1:9999/nb.json']) {
      const e = await failure(openNotebookUrl(param, PAGE, fn));
      expect(e.code).toBe('OFF_ORIGIN');
      expect(e.message).toContain('another site');
    }
    const scheme = await failure(openNotebookUrl('data:application/json,{}', PAGE, fn));
    expect(scheme.code).toBe('SCHEME');
    expect(asked).toEqual([]);
  });

  it('refuses a notebook whose answer was redirected to another origin', async () => {
    const { fn } = fakeFetch({ [`${ORIGIN}/tools/seglab/nb.json`]: { body: '{}', type: 'application/json', redirectedTo: 'https://cdn.example/nb.json' } });
    expect((await failure(openNotebookUrl('nb.json', PAGE, fn))).code).toBe('OFF_ORIGIN');
  });

  it('opens the notebook but lists off-origin and 404 sources as missing, never fetching the foreign one', async () => {
    const nb = notebook([
      { name: 'ok', path: 'ok.csv' },
      { name: 'gone', path: 'gone.csv' },
      { name: 'foreign', path: 'https://data.example/leak.csv' },
      { name: 'server error', path: 'err.csv' }
    ]);
    const base = `${ORIGIN}/tools/seglab/examples/a`;
    const { fn, asked } = fakeFetch({
      [`${base}/nb.json`]: { body: serializeNotebook(nb), type: 'application/json' },
      [`${base}/ok.csv`]: { body: 'a\n1\n', type: 'text/csv' },
      [`${base}/err.csv`]: { body: 'boom', status: 500 }
    });
    const opened = await openNotebookUrl('examples/a/nb.json', PAGE, fn);
    expect([...opened.files.keys()]).toEqual(['ok']);
    expect(opened.missing.map((m) => [m.source, m.path])).toEqual([
      ['gone', 'gone.csv'],
      ['foreign', 'https://data.example/leak.csv'],
      ['server error', 'err.csv']
    ]);
    expect(opened.missing[0].reason).toBe(`${base}/gone.csv answered 404 (not found).`);
    expect(opened.missing[1].reason).toContain('another site');
    expect(opened.missing[2].reason).toContain('answered 500');
    expect(asked.some((u) => u.includes('data.example'))).toBe(false);
  });

  it('treats an HTML page served for a source as missing', async () => {
    const nb = notebook([{ name: 'spa', path: 'x.csv' }]);
    const { fn } = fakeFetch({
      [`${ORIGIN}/nb.json`]: { body: serializeNotebook(nb), type: 'application/json' },
      [`${ORIGIN}/x.csv`]: { body: '<!doctype html>', type: 'text/html; charset=utf-8' }
    });
    const opened = await openNotebookUrl('/nb.json', PAGE, fn);
    expect(opened.files.size).toBe(0);
    expect(opened.missing[0].reason).toContain('web page, not a file');
  });

  it('fails readably on a missing notebook, an HTML answer and non-JSON text', async () => {
    const { fn } = fakeFetch({
      [`${ORIGIN}/tools/seglab/page.json`]: { body: '<!doctype html><p>hi</p>', type: 'text/html' },
      [`${ORIGIN}/tools/seglab/plain.json`]: { body: 'id;name\n1;x', type: 'text/plain' }
    });
    const missing = await failure(openNotebookUrl('nope.json', PAGE, fn));
    expect(missing.code).toBe('HTTP');
    expect(missing.message).toBe(`${ORIGIN}/tools/seglab/nope.json answered 404 (not found).`);
    const html = await failure(openNotebookUrl('page.json', PAGE, fn));
    expect(html.code).toBe('NOT_JSON');
    expect(html.message).toContain('web page');
    const plain = await failure(openNotebookUrl('plain.json', PAGE, fn));
    expect(plain.code).toBe('NOT_JSON');
    expect(plain.message).toContain('text/plain, not JSON');
  });

  it('lists the problems of an invalid notebook', async () => {
    const bad = { format: 'seglab-notebook', version: 1, title: 7, sources: [], cells: [{ id: 'c1', kind: 'sql' }, { id: 'c 2', kind: 'sql', sql: 'x' }] };
    const { fn } = fakeFetch({ [`${ORIGIN}/tools/seglab/bad.json`]: { body: JSON.stringify(bad), type: 'application/json' } });
    const e = await failure(openNotebookUrl('bad.json', PAGE, fn));
    expect(e.code).toBe('INVALID');
    expect(e.issues.length).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/^http:\/\/127\.0\.0\.1:4186\/tools\/seglab\/bad\.json is not a valid seglab notebook: /);
    expect(e.message).toContain('title:');
    expect(e.message).toContain('cells[0].sql:');
  });

  it('says the problems of an invalid notebook in the UI language; broken JSON is not a notebook in either', async () => {
    const bad = { format: 'seglab-notebook', version: 1, title: 7, sources: [], cells: [] };
    const { fn } = fakeFetch({
      [`${ORIGIN}/tools/seglab/bad.json`]: { body: JSON.stringify(bad), type: 'application/json' },
      [`${ORIGIN}/tools/seglab/cut.json`]: { body: '{"format": ', type: 'application/json' }
    });
    language.set('de');
    try {
      const e = await failure(openNotebookUrl('bad.json', PAGE, fn));
      expect(e.issues).toEqual(['title: Text erwartet, gefunden: die Zahl 7']);
      expect(e.message).toContain('title: Text erwartet, gefunden: die Zahl 7');
      expect((await failure(openNotebookUrl('cut.json', PAGE, fn))).code).toBe('NOT_JSON');
    } finally {
      language.set('en');
    }
    expect((await failure(openNotebookUrl('bad.json', PAGE, fn))).issues).toEqual(['title: expected a string, got number 7']);
    expect((await failure(openNotebookUrl('cut.json', PAGE, fn))).code).toBe('NOT_JSON');
  });

  it('reports a network failure of the notebook', async () => {
    const fn = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const e = await failure(openNotebookUrl('nb.json', PAGE, fn));
    expect(e.code).toBe('NETWORK');
    expect(e.message).toContain('Failed to fetch');
  });
});

describe('sameOriginUrl', () => {
  it('resolves relative paths and rejects other origins', () => {
    expect(sameOriginUrl('a/b.csv', `${ORIGIN}/x/nb.json`, ORIGIN).href).toBe(`${ORIGIN}/x/a/b.csv`);
    expect(() => sameOriginUrl('https://127.0.0.1:4186/a', PAGE, ORIGIN)).toThrow(OpenUrlError);
    expect(() => sameOriginUrl('file:///etc/passwd', PAGE, ORIGIN)).toThrow(OpenUrlError);
  });
});
