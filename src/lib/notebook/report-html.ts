/**
 * A notebook's read-out as one self-contained HTML file: inline CSS, no script, no URL, and a
 * Content-Security-Policy that forbids the file to load anything but `data:` images. Pure: every
 * text comes in as data (the UI formats numbers and words), every text is escaped here.
 */

/** The CSP of every report: nothing loads, styles are inline, images only as `data:` URIs. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Rows a report table shows at most; the caption states the total. */
export const REPORT_ROW_LIMIT = 50;

/** A table of a report: display texts, already formatted for the notebook's locale. */
export interface ReportTable {
  /** Shown above the table. */
  caption?: string;
  /** Column headers; `numeric` columns are right-aligned. */
  columns: { name: string; numeric: boolean }[];
  /** Display texts by row, then column; rows past `REPORT_ROW_LIMIT` are left out. */
  rows: string[][];
  /** Rows of the whole result. */
  totalRows: number;
  /** The sentence under the table, e.g. `50 of 1,234 rows`. */
  count: string;
}

/** One item of a cell's output, in the order the cell shows them. */
export type ReportBlock =
  | { kind: 'markdown'; html: string }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; svg: string; label: string }
  | { kind: 'note'; text: string }
  | { kind: 'heading'; text: string };

/** One cell of the report. */
export interface ReportCell {
  id: string;
  /** The cell's kind as the UI names it (`SQL`, `RFM`); absent for Markdown cells, which print as prose. */
  kind?: string;
  /** The cell's name or id. */
  title?: string;
  blocks: ReportBlock[];
}

/** Everything a report shows, as plain data. */
export interface ReportInput {
  title: string;
  /** BCP 47 language of the texts, e.g. `de-DE`. */
  lang: string;
  /** Label–value lines under the title (reference date, export time, data sources). */
  meta: { label: string; value: string }[];
  /** Sentences the reader must see before the cells (personal data left out, small groups). */
  notes: string[];
  cells: ReportCell[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an HTML text node or a quoted attribute value.
 * @param text any text
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px 28px 48px; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; }
header.report { border-bottom: 2px solid #1f2328; margin-bottom: 20px; padding-bottom: 10px; }
h1 { font-size: 24px; margin: 0 0 6px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; font-size: 13px; }
dl.meta dt { color: #59636e; }
dl.meta dd { margin: 0; }
ul.notes { margin: 6px 0 0; padding-left: 18px; font-size: 13px; color: #59636e; }
section.cell { margin: 0 0 22px; break-inside: auto; }
section.cell + section.cell { border-top: 1px solid #d1d9e0; padding-top: 14px; }
h2.cell-title { font-size: 15px; margin: 0 0 8px; display: flex; gap: 8px; align-items: baseline; }
h2.cell-title .kind { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px; border-radius: 4px; background: #eef0f3; color: #444c56; }
.md { overflow-wrap: anywhere; }
.md h1 { font-size: 22px; } .md h2 { font-size: 18px; } .md h3 { font-size: 15px; }
.md code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
.md pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; }
.md table { border-collapse: collapse; } .md th, .md td { border: 1px solid #d1d9e0; padding: 3px 8px; }
figure { margin: 0 0 12px; }
figure.table { overflow-x: auto; }
figcaption { font-size: 13px; font-weight: 600; margin: 0 0 4px; }
table.data { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { border-bottom: 1px solid #e3e7eb; padding: 3px 6px; text-align: left; vertical-align: top; max-width: 24em; }
table.data td.num { white-space: nowrap; }
table.data th { border-bottom: 1px solid #8c959f; background: #f6f8fa; font-weight: 600; }
table.data .num { text-align: right; }
table.data tbody tr:nth-child(even) td { background: #fafbfc; }
p.count { margin: 4px 0 0; font-size: 12px; color: #59636e; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
h3.view { font-size: 13px; margin: 14px 0 6px; color: #444c56; }
p.note { margin: 0 0 8px; font-size: 13px; color: #59636e; font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.cell { break-before: page; border-top: none !important; padding-top: 0 !important; }
  header.report + section.cell { break-before: auto; }
  figure, tr { break-inside: avoid; }
  figure.table { overflow: visible; }
  table.data { width: 100%; font-size: 8pt; }
  table.data th, table.data td { white-space: normal; overflow-wrap: anywhere; max-width: none; padding: 2px 4px; }
  thead { display: table-header-group; }
}
`;

/**
 * The report as one HTML document: the title, meta lines and notes, then each cell with its
 * Markdown, tables (at most `REPORT_ROW_LIMIT` rows, with the count) and charts (inline SVG).
 * Markdown HTML and chart SVG must come sanitised (the UI's `renderMarkdown`, Vega's `toSVG`);
 * every other text is escaped here.
 * @param input the report's content
 */
export function reportHtml(input: ReportInput): string {
  const meta = input.meta.map((m) => `<dt>${escapeHtml(m.label)}</dt><dd>${escapeHtml(m.value)}</dd>`).join('');
  const notes = input.notes.length ? `<ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(input.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="report"><h1>${escapeHtml(input.title)}</h1>${meta ? `<dl class="meta">${meta}</dl>` : ''}${notes}</header>`,
    ...input.cells.map(cellHtml),
    '</body>',
    '</html>',
    ''
  ].join('\n');
}

function cellHtml(cell: ReportCell): string {
  const title =
    cell.kind !== undefined
      ? `<h2 class="cell-title"><span class="kind">${escapeHtml(cell.kind)}</span><span>${escapeHtml(cell.title ?? cell.id)}</span></h2>`
      : '';
  return `<section class="cell" id="cell-${escapeHtml(cell.id)}">${title}${cell.blocks.map(blockHtml).join('\n')}</section>`;
}

function blockHtml(block: ReportBlock): string {
  switch (block.kind) {
    case 'markdown':
      return `<div class="md">${block.html}</div>`;
    case 'table':
      return tableHtml(block.table);
    case 'chart':
      return `<figure class="chart" aria-label="${escapeHtml(block.label)}">${svgBody(block.svg)}</figure>`;
    case 'note':
      return `<p class="note">${escapeHtml(block.text)}</p>`;
    case 'heading':
      return `<h3 class="view">${escapeHtml(block.text)}</h3>`;
  }
}

function tableHtml(table: ReportTable): string {
  const align = table.columns.map((c) => (c.numeric ? ' class="num"' : ''));
  const head = table.columns.map((c, i) => `<th${align[i]} scope="col">${escapeHtml(c.name)}</th>`).join('');
  const body = table.rows
    .slice(0, REPORT_ROW_LIMIT)
    .map((row) => `<tr>${table.columns.map((_, i) => `<td${align[i]}>${escapeHtml(row[i] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = table.caption ? `<figcaption>${escapeHtml(table.caption)}</figcaption>` : '';
  return `<figure class="table" data-total-rows="${table.totalRows}">${caption}<table class="data"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table><p class="count">${escapeHtml(table.count)}</p></figure>`;
}

/** Vega's SVG without an XML prolog or namespace declarations, which inline SVG in HTML does not need. */
function svgBody(svg: string): string {
  return svg
    .replace(/^\s*<\?xml[^>]*>\s*/, '')
    .replace(/\s+xmlns(?::\w+)?="[^"]*"/g, '');
}
