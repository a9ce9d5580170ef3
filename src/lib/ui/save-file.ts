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
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
