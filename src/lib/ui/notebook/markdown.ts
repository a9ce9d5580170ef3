import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/** Raw HTML in the Markdown is shown as text, never parsed: nothing in a notebook can run. */
const markdown = new Marked({
  gfm: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    }
  }
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let hooked = false;

/**
 * Renders Markdown to safe HTML: marked parses it (raw HTML is escaped and shown as text),
 * DOMPurify then removes anything executable that Markdown itself can produce (e.g. `javascript:`
 * links), and images from another origin lose their `src` (a notebook must never
 * make the page request another origin). Links open in a new tab without a referrer.
 * @param text Markdown
 */
export function renderMarkdown(text: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node instanceof HTMLImageElement && node.hasAttribute('src') && !sameOrigin(node.getAttribute('src')!)) {
        node.removeAttribute('src');
        node.setAttribute('data-blocked', 'off-origin image');
      }
      if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    hooked = true;
  }
  const html = markdown.parse(text, { async: false });
  return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'object', 'embed'] });
}

function sameOrigin(src: string): boolean {
  try {
    const url = new URL(src, location.href);
    return url.origin === location.origin || url.protocol === 'data:';
  } catch {
    return false;
  }
}

/**
 * Markdown for a report file that must hold no URL: rendered as `renderMarkdown` does, then each
 * link to anything but an anchor of the same document becomes its text followed by the address in
 * brackets, and each image that is not a `data:` URI becomes its alternative text.
 * @param text Markdown
 */
export function reportMarkdown(text: string): string {
  const template = document.createElement('template');
  template.innerHTML = renderMarkdown(text);
  for (const a of template.content.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    if (href === null || href.startsWith('#')) {
      a.removeAttribute('target');
      a.removeAttribute('rel');
      continue;
    }
    const span = document.createElement('span');
    span.append(...a.childNodes);
    if (span.textContent !== href) span.append(` (${href})`);
    a.replaceWith(span);
  }
  for (const img of template.content.querySelectorAll('img')) {
    if (!img.getAttribute('src')?.startsWith('data:')) img.replaceWith(img.getAttribute('alt') ?? '');
  }
  return template.innerHTML;
}
