/**
 * Share links: a notebook (its cells and settings, never data) compressed into the URL fragment,
 * `#nb=<base64url(deflate(JSON))>`. The fragment never reaches a server; the receiver's page
 * reads it, validates it like a file and shows it before anything runs.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import type { Notebook } from './model';
import { serializeNotebook } from './serialize';
import { readNotebook } from './validate';
import { note, NoteError } from '../i18n/note';

/** The fragment's key: `#nb=…`. */
export const SHARE_KEY = 'nb';

/** Largest notebook JSON a link may expand to; a larger one (or a deflate bomb) is refused. */
export const MAX_SHARED_BYTES = 4 * 1024 * 1024;

/** Notebook settings that stay with the sender (the pseudonym salt would let receivers link hashes to people). */
const PRIVATE_SETTINGS = ['pseudonymSalt'] as const;

/**
 * The URL fragment (without `#`) that carries `notebook`.
 * @param notebook a valid notebook
 */
export function shareFragment(notebook: Notebook): string {
  const settings = { ...notebook.settings };
  for (const key of PRIVATE_SETTINGS) delete settings[key];
  const json = serializeNotebook({ ...notebook, settings });
  return `${SHARE_KEY}=${toBase64Url(deflateSync(strToU8(json), { level: 9 }))}`;
}

/**
 * The notebook a URL fragment carries, or null when the fragment has none; throws an `Error`
 * saying what is wrong for a damaged, oversized or invalid one.
 * @param hash `location.hash` (with or without `#`)
 */
export function readShareFragment(hash: string): Notebook | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const packed = params.get(SHARE_KEY);
  if (packed === null) return null;
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(fromBase64Url(packed), { out: new Uint8Array(MAX_SHARED_BYTES + 1) });
  } catch {
    throw new NoteError(note('shareDamaged'));
  }
  if (bytes.length > MAX_SHARED_BYTES) throw new NoteError(note('shareTooLarge', { mb: MAX_SHARED_BYTES / 1024 / 1024 }));
  return readNotebook(strFromU8(bytes));
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
