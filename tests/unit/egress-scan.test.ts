/**
 * Issue 8, point 1 (unit part): no source file under src/ or static/, and no asset of a build in
 * build/ (when there is one), holds an absolute http(s) URL the app could fetch. Each allow-list
 * entry below says why that URL is never requested; the e2e tests back this up by failing on any
 * off-origin request.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetUrls, fetchable, filesUnder, readLatin1, sourceUrls, type AllowedUrl } from './helpers/egress-scan';

const ROOT = path.resolve(__dirname, '../..');
const BUILD = path.join(ROOT, 'build');
const SOURCE = /\.(ts|js|svelte|html|css|json)$/;

/** URLs in our own code that are identifiers, not addresses. */
const SOURCE_ALLOW: AllowedUrl[] = [
  {
    pattern: /^https:\/\/vega\.github\.io\/schema\/vega-lite\/v\d+\.json$/,
    why: 'The `$schema` of the Vega-Lite specs we build; vega-embed reads it to pick the mode and fetches only specs given as a URL string, which we never pass.'
  },
  { pattern: /^https:\/\/json-schema\.org\/draft\/2020-12\/schema$/, why: 'The `$schema` keyword of static/notebook.schema.json: a dialect name for validators, not loaded.' },
  { pattern: /^https:\/\/seglab\.invalid\//, why: 'The `$id` of our notebook schema; `.invalid` is a reserved TLD that never resolves.' }
];

/** URLs in the bundled libraries and DuckDB's wasm that the built app never requests. */
const ASSET_ALLOW: AllowedUrl[] = [
  ...SOURCE_ALLOW,
  { pattern: /^http:\/\/www\.w3\.org\//, why: 'XML namespaces (SVG, XHTML, MathML) passed to createElementNS; browsers never fetch a namespace.' },
  { pattern: /^https:\/\/svelte\.dev\/e\//, why: "Svelte's error-message links (text in thrown errors)." },
  { pattern: /^https:\/\/vega\.github\.io\/(schema\/vega\/|editor\/)/, why: "Vega's schema id, and the 'Open in Vega Editor' action, which we switch off (`actions: false`)." },
  { pattern: /^http:\/\/(schemas\.openxmlformats\.org|purl\.oclc\.org)\//, why: 'OOXML namespaces read-excel-file compares against element names.' },
  { pattern: /^https:\/\/github\.com\//, why: 'Library links in licence headers and error messages.' },
  { pattern: /^https:\/\/duckdb\.org(\/|$)/, why: 'Links in DuckDB error messages (documentation).' },
  {
    pattern: /^https:\/\/(extensions|nightly-extensions|community-extensions)\.duckdb\.org$/,
    why: 'DuckDB extension repositories: fetched only by INSTALL / autoloading, which src/lib/engine/db.ts turns off and locks (checked below).'
  },
  { pattern: /^https:\/\/unpkg\.com\/treeflex\//, why: "A stylesheet link in the HTML of DuckDB's EXPLAIN renderer, which the app never calls." },
  {
    pattern: /^https?:\/\/(www\.apache\.org\/licenses\/|(www\.)?boost\.org\/|(www\.)?netlib\.org\/|svnweb\.freebsd\.org\/)/,
    why: "Licence and provenance links in @stdlib's `/** @license */` headers, which the bundler keeps in the engine worker: comment text."
  }
];

describe('sourceUrls / assetUrls / fetchable', () => {
  it('fails on a URL planted in code and passes it in a comment', () => {
    const code = [
      '// see https://example.org/docs',
      '/** Docs: https://example.org/more */',
      "const a = 'https://planted.example/track.js';",
      'fetch(`http://planted.example/api`);',
      '<!-- https://example.org/html-comment -->',
      '<img src="https://planted.example/pixel.gif" />'
    ].join('\n');
    const found = fetchable(sourceUrls('planted.svelte', code), SOURCE_ALLOW);
    expect(found.map((f) => [f.url, f.line])).toEqual([
      ['https://planted.example/track.js', 3],
      ['http://planted.example/api', 4],
      ['https://planted.example/pixel.gif', 6]
    ]);
  });

  it('does not take "//" inside a string for a comment', () => {
    const found = fetchable(sourceUrls('a.ts', "const u = 'a//b'; const v = 'https://planted.example/x';"), []);
    expect(found.map((f) => f.url)).toEqual(['https://planted.example/x']);
  });

  it('counts URLs in comments of built assets too', () => {
    expect(fetchable(assetUrls('a.js', '/*! https://planted.example/lib */x()'), ASSET_ALLOW).map((f) => f.url)).toEqual(['https://planted.example/lib']);
  });

  it('keeps allowed URLs out and nothing else', () => {
    const code = "const ns = 'http://www.w3.org/2000/svg'; const x = 'http://www.w3.org.planted.example/';";
    expect(fetchable(sourceUrls('a.ts', code), ASSET_ALLOW).map((f) => f.url)).toEqual(['http://www.w3.org.planted.example/']);
  });
});

describe('egress scan', () => {
  it('finds no fetchable absolute URL in src/ or static/', () => {
    const files = [...filesUnder(path.join(ROOT, 'src'), (n) => SOURCE.test(n)), ...filesUnder(path.join(ROOT, 'static'), (n) => SOURCE.test(n))];
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => sourceUrls(path.relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(fetchable(found, SOURCE_ALLOW).map((f) => `${f.file}:${f.line} ${f.url}`)).toEqual([]);
  });

  // The test command builds first, so CI always scans; a local run without a build skips it.
  it.skipIf(!process.env.CI && !existsSync(path.join(BUILD, 'index.html')))('finds no fetchable absolute URL in the built assets (build/)', () => {
    expect(existsSync(path.join(BUILD, 'index.html')), 'a build in build/ (npm test builds it first)').toBe(true);
    const files = filesUnder(BUILD, () => true);
    const found = files.flatMap((f) => assetUrls(path.relative(ROOT, f), readLatin1(f)));
    expect(fetchable(found, ASSET_ALLOW).map((f) => `${f.file} ${f.url}`)).toEqual([]);
  });

  it('locks DuckDB extension loading, which the extension-repository allow-list entry relies on', () => {
    const db = readFileSync(path.join(ROOT, 'src/lib/engine/db.ts'), 'utf8');
    for (const setting of ['autoinstall_known_extensions = false', 'autoload_known_extensions = false', 'enable_external_access = false', 'lock_configuration = true']) {
      expect(db).toContain(setting);
    }
  });
});
