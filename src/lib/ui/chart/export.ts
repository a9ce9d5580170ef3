/**
 * The bytes of a `data:` URL (base64 or percent-encoded), decoded in place: the page's CSP does
 * not allow `fetch` of `data:` URLs.
 * @param url a data URL such as Vega's `toImageURL('png')`
 */
export function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error('not a data: URL');
  const head = url.slice(5, comma);
  const body = url.slice(comma + 1);
  if (head.endsWith(';base64')) return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(decodeURIComponent(body));
}
