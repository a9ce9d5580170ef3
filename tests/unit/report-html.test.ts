import { describe, expect, it } from 'vitest';
import { REPORT_CSP, REPORT_ROW_LIMIT, escapeHtml, reportHtml, type ReportInput, type ReportTable } from '../../src/lib/notebook/report-html';

const hostile = `<script>alert("x")</script> & 'quotes'`;

function table(rows: number, total = rows): ReportTable {
  return {
    caption: 'Umsatz je Region',
    columns: [
      { name: 'Region', numeric: false },
      { name: 'Umsatz', numeric: true }
    ],
    rows: Array.from({ length: rows }, (_, i) => [`R${i}`, `${i}.000,5`]),
    totalRows: total,
    count: `${Math.min(rows, REPORT_ROW_LIMIT)} von ${total} Zeilen`
  };
}

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    title: 'Kundenwert',
    lang: 'de-DE',
    meta: [
      { label: 'Stichtag', value: '2025-12-31' },
      { label: 'Exportiert', value: '24.11.2026, 01:50' }
    ],
    notes: ['Personal columns are left out.'],
    cells: [
      { id: 'intro', blocks: [{ kind: 'markdown', html: '<h2>Kunden</h2><p>Text</p>' }] },
      { id: 'q1', kind: 'SQL', title: 'umsatz', blocks: [{ kind: 'table', table: table(3) }] },
      { id: 'c1', kind: 'Chart', title: 'chart', blocks: [{ kind: 'chart', label: 'Umsatz', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>' }] }
    ],
    ...overrides
  };
}

/** Every tag of the document with its text cut to the opening tag. */
const tags = (html: string) => html.match(/<[a-zA-Z][^>]*>/g) ?? [];

describe('escapeHtml', () => {
  it('escapes the five characters that end text or an attribute', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('reportHtml', () => {
  it('declares the strict CSP, the language and the title', () => {
    const html = reportHtml(input());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).toContain('<html lang="de-DE">');
    expect(html).toContain('<title>Kundenwert</title>');
    expect(html).toContain('<dt>Stichtag</dt><dd>2025-12-31</dd>');
  });

  it('escapes every text it is given: title, meta, notes, names, captions, headers and values', () => {
    const evil: ReportTable = { caption: hostile, columns: [{ name: hostile, numeric: false }], rows: [[hostile]], totalRows: 1, count: hostile };
    const html = reportHtml(
      input({
        title: hostile,
        lang: 'de"><script>',
        meta: [{ label: hostile, value: hostile }],
        notes: [hostile],
        cells: [
          { id: 'x"><script>', kind: hostile, title: hostile, blocks: [{ kind: 'table', table: evil }, { kind: 'note', text: hostile }, { kind: 'heading', text: hostile }] },
          { id: 'c', kind: 'Chart', title: 'c', blocks: [{ kind: 'chart', label: hostile, svg: '<svg></svg>' }] }
        ]
      })
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(`"x">`);
    expect(html.split('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;').length - 1).toBe(14);
  });

  it('contains no script, no event handler and no http(s) URL in any tag', () => {
    const html = reportHtml(input());
    expect(html).not.toMatch(/<script/i);
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\son\w+\s*=/i);
      expect(tag).not.toMatch(/https?:/i);
    }
  });

  it('drops the XML namespace declarations of inline SVG and keeps the drawing', () => {
    const html = reportHtml(input());
    expect(html).toContain('<figure class="chart" aria-label="Umsatz"><svg width="10" height="10"><rect width="5" height="5"/></svg></figure>');
  });

  it('shows at most REPORT_ROW_LIMIT rows and states the count and the total', () => {
    const html = reportHtml(input({ cells: [{ id: 'big', kind: 'SQL', blocks: [{ kind: 'table', table: table(80, 1234) }] }] }));
    const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(body.match(/<tr>/g)).toHaveLength(REPORT_ROW_LIMIT);
    expect(body).toContain('<td>R49</td>');
    expect(body).not.toContain('R50');
    expect(html).toContain('data-total-rows="1234"');
    expect(html).toContain('<p class="count">50 von 1234 Zeilen</p>');
  });

  it('right-aligns numeric columns only', () => {
    const html = reportHtml(input());
    expect(html).toContain('<th scope="col">Region</th><th class="num" scope="col">Umsatz</th>');
    expect(html).toContain('<tr><td>R1</td><td class="num">1.000,5</td></tr>');
  });

  it('prints Markdown cells without a cell heading and other cells under their kind and name', () => {
    const html = reportHtml(input());
    expect(html).toContain('<section class="cell" id="cell-intro"><div class="md"><h2>Kunden</h2><p>Text</p></div></section>');
    expect(html).toContain('<h2 class="cell-title"><span class="kind">SQL</span><span>umsatz</span></h2>');
  });

  it('breaks pages between cells when printed', () => {
    expect(reportHtml(input())).toMatch(/@media print \{[^@]*section\.cell \{ break-before: page;/);
  });
});
