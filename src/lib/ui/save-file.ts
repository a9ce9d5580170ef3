/**
 * How long the object URL outlives the click. The browser resolves it asynchronously when the
 * download starts; revoked any sooner (we did at 0 ms), a busy browser silently drops the download.
 * FileSaver.js keeps it 40 s for the same reason.
 */
const REVOKE_AFTER_MS = 60_000;

/**
 * Hands bytes to the browser as a download (an object URL on a temporary link; nothing leaves the page).
 * @param bytes file content
 * @param fileName suggested name
 * @param type MIME type
 */
export function saveFile(bytes: Uint8Array, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/**
 * A file name stem from a title: letters, digits, `_` and `-`, the rest folded into `_`.
 * @param title e.g. the notebook's title
 * @param fallback used when nothing of the title is left
 */
export function fileStem(title: string, fallback: string): string {
  return title.replace(/[^\p{L}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '') || fallback;
}
