import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** An absolute URL found in a file. */
export interface FoundUrl {
  file: string;
  url: string;
  /** 1-based line. */
  line: number;
  /** Inside a comment of a source file (never fetched). */
  comment: boolean;
}

/** A URL the app contains but never requests, and why. */
export interface AllowedUrl {
  pattern: RegExp;
  why: string;
}

const URL_PATTERN = /https?:\/\/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+/g;

/**
 * The absolute `http(s)://` URLs in a source file (`.ts`, `.js`, `.svelte`, `.html`, `.css`,
 * `.json`), each marked whether it sits in a comment (`//`, `/* … *\/`, `<!-- … -->`). Strings are
 * tracked so `//` inside `'https://…'` is not taken for a comment.
 * @param file the file name, for the result
 * @param text the file's text
 */
export function sourceUrls(file: string, text: string): FoundUrl[] {
  const inComment = new Uint8Array(text.length);
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (two === '//' && text[i - 1] !== ':') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      inComment.fill(1, i, stop);
      i = stop;
    } else if (two === '/*' || text.startsWith('<!--', i)) {
      const close = two === '/*' ? '*/' : '-->';
      const end = text.indexOf(close, i + 2);
      const stop = end < 0 ? text.length : end + close.length;
      inComment.fill(1, i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else i++;
  }
  return matches(file, text, (at) => inComment[at] === 1);
}

/**
 * The absolute URLs in a built asset (minified JS, CSS, HTML, wasm read as Latin-1). Comments are
 * not told apart: what ships is what counts.
 * @param file the file name, for the result
 * @param text the asset's content
 */
export function assetUrls(file: string, text: string): FoundUrl[] {
  return matches(file, text, () => false);
}

function matches(file: string, text: string, comment: (at: number) => boolean): FoundUrl[] {
  const out: FoundUrl[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    const at = m.index!;
    let line = 1;
    for (let k = text.lastIndexOf('\n', at); k >= 0; k = text.lastIndexOf('\n', k - 1)) line++;
    out.push({ file, url: m[0], line, comment: comment(at) });
  }
  return out;
}

/**
 * The URLs that could be fetched: outside comments and not allowed by `allow`.
 * @param found URLs from `sourceUrls` / `assetUrls`
 * @param allow URLs known never to be requested
 */
export function fetchable(found: readonly FoundUrl[], allow: readonly AllowedUrl[]): FoundUrl[] {
  return found.filter((f) => !f.comment && !allow.some((a) => a.pattern.test(f.url)));
}

/**
 * Every file below `dir` whose name passes `keep`.
 * @param dir the folder
 * @param keep file-name filter
 */
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(entry)) out.push(p);
  }
  return out;
}

/**
 * Reads a file as Latin-1, so binary assets (wasm) keep every byte as one character.
 * @param file the path
 */
export function readLatin1(file: string): string {
  return readFileSync(file, 'latin1');
}
