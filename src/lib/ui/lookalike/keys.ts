/**
 * The keys of a pasted or uploaded list: split at line breaks, commas, semicolons and tabs, trimmed,
 * surrounding double quotes removed, empty entries and repeats left out (first occurrence kept).
 * @param text the pasted text or the file's content
 */
export function parseKeys(text: string): string[] {
  const out = new Set<string>();
  for (const part of text.split(/[\r\n,;\t]+/)) {
    const key = part.trim().replace(/^"(.*)"$/, '$1').trim();
    if (key) out.add(key);
  }
  return [...out];
}
