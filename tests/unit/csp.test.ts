// Issue 8, point 1: the Content-Security-Policy and referrer policy of the built HTML.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import config from '../../svelte.config.js';

/** The built site to check: `BUILD_DIR` (as `vite build` uses it) or `build`; built here when missing. */
const BUILD = path.resolve(process.env.BUILD_DIR ?? 'build');

/** The policy's directives: name → sources. */
function parsePolicy(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources])
  );
}

/** What every directive must say: each self-only fetch, no plugins, no base or form targets. */
const EXPECTED: Record<string, (sources: string[]) => void> = {
  'default-src': (s) => expect(s).toEqual(["'self'"]),
  'connect-src': (s) => expect(s).toEqual(["'self'"]),
  'worker-src': (s) => expect(s).toEqual(["'self'"]),
  'font-src': (s) => expect(s).toEqual(["'self'"]),
  'img-src': (s) => expect(s).toEqual(["'self'", 'data:', 'blob:']),
  'style-src': (s) => expect(s).toEqual(["'self'", "'unsafe-inline'"]),
  'object-src': (s) => expect(s).toEqual(["'none'"]),
  'base-uri': (s) => expect(s).toEqual(["'none'"]),
  'form-action': (s) => expect(s).toEqual(["'none'"]),
  'script-src': (s) => {
    expect(s.slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    for (const extra of s.slice(2)) expect(extra).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
  }
};

describe('svelte.config.js csp', () => {
  it('hashes inline scripts and allows only this site', () => {
    const csp = config.kit?.csp;
    expect(csp?.mode).toBe('hash');
    const directives = Object.fromEntries(Object.entries(csp?.directives ?? {}).map(([k, v]) => [k, (v as string[]).map((x) => (/:$/.test(x) ? x : `'${x}'`))]));
    expect(Object.keys(directives).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, check] of Object.entries(EXPECTED)) check(directives[name]);
  });
});

describe('the built index.html', () => {
  let html: string;
  beforeAll(() => {
    if (!existsSync(path.join(BUILD, 'index.html'))) {
      execFileSync('npx', ['vite', 'build'], { env: { ...process.env, BUILD_DIR: BUILD }, stdio: 'pipe', timeout: 900_000 });
    }
    html = readFileSync(path.join(BUILD, 'index.html'), 'utf8');
  }, 900_000);

  it('carries the policy as a meta tag with every directive', () => {
    const meta = /<meta http-equiv="content-security-policy" content="([^"]+)">/.exec(html);
    expect(meta, 'CSP meta tag').not.toBeNull();
    const policy = parsePolicy(meta![1]);
    expect([...policy.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, check] of Object.entries(EXPECTED)) check(policy.get(name)!);
  });

  it('allows each inline script by its hash and no other', () => {
    const policy = parsePolicy(/<meta http-equiv="content-security-policy" content="([^"]+)">/.exec(html)![1]);
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
    expect(policy.get('script-src')!.slice(2).sort()).toEqual([...new Set(hashes)].sort());
  });

  it('sends no referrer and loads scripts and styles only from this site', () => {
    expect(html).toContain('<meta name="referrer" content="no-referrer" />');
    for (const m of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) expect(m[1], m[1]).toMatch(/^\.{0,2}\//);
  });
});
