import DOMPurify from 'dompurify';
import { personalColumns, type RowsFn } from '$lib/analysis/personal';
import { cellView, type Cell, type SegmentationCell } from '$lib/notebook/model';
import { REPORT_ROW_LIMIT, reportHtml, type ReportBlock, type ReportCell, type ReportTable } from '$lib/notebook/report-html';
import { personalExportQuery } from '$lib/sql/personal-export';
import { sql } from '$lib/sql/quote';
import { MEMBERS_COLUMN, SUPPRESSED_COLUMN, aggregateExportQuery } from '$lib/sql/segment-export';
import { chartSvg, isDrawn } from '../chart/views';
import type { Formatter } from '../format';
import { decodeResult } from '../grid/decode';
import { resultColumns } from '../result';
import { runError } from '../language.svelte';
import { t } from '../strings';
import { reportMarkdown } from './markdown';
import type { CellState, NotebookState } from './notebook.svelte';

/** What a report is made from: the notebook, how it formats, its tables and their personal-data marks. */
export interface ReportSource {
  nb: NotebookState;
  fmt: Formatter;
  /** The loaded tables by name, with their rows. */
  tables: { name: string; rows: number }[];
  /** The user's personal-data marks merged by column name, as downloads apply them. */
  marks: Readonly<Record<string, boolean>>;
}

/** A written report and the labels of the cells that had not run. */
export interface Report {
  html: string;
  notRun: string[];
}

const SEGMENTATION_KINDS: ReadonlySet<Cell['kind']> = new Set(['segment', 'cluster', 'rfm', 'tiers', 'leads', 'lookalike']);

/** Only SVG drawing, and links to nothing but the SVG's own fragments: a chart in a report loads nothing. */
const svgPurifier = DOMPurify();
svgPurifier.addHook('afterSanitizeAttributes', (node) => {
  for (const name of ['href', 'xlink:href']) {
    const value = node.getAttribute(name);
    if (value !== null && !value.startsWith('#') && !value.startsWith('data:')) node.removeAttribute(name);
  }
});

/**
 * The notebook's read-out as one self-contained HTML file: each Markdown cell rendered, each
 * result as its first rows without personal-data columns, segment sizes with small segments
 * suppressed, and the tables and charts each cell shows on the page (its current tab).
 * @param source the notebook and what it reads
 * @param root the notebook's element on the page (cells are found by `data-cell-id`)
 * @param exportedAt the time stamped on the report
 */
export async function buildReport(source: ReportSource, root: Element, exportedAt: Date): Promise<Report> {
  const { nb, fmt } = source;
  const rows: RowsFn = (text) => nb.rows(text);
  const personal = new Set<string>();
  for (const table of source.tables) {
    for (const c of await personalColumns(rows, table.name, source.marks)) if (c.personal) personal.add(c.name);
  }
  const notRun: string[] = [];
  const cells: ReportCell[] = [];
  for (const cs of nb.cells) {
    const cell = cs.cell;
    if (cell.kind === 'markdown') {
      cells.push({ id: cell.id, blocks: [{ kind: 'markdown', html: reportMarkdown(cell.text) }] });
      continue;
    }
    const title = cell.name ?? cell.id;
    const outcome = runNote(cs);
    if (outcome) {
      if (cs.run?.status !== 'error' && cs.run?.status !== 'skipped') notRun.push(title);
      cells.push({ id: cell.id, kind: t.notebook.kind[cell.kind], title, blocks: [{ kind: 'note', text: outcome }] });
      continue;
    }
    const element = root.querySelector(`[data-cell-id="${CSS.escape(cell.id)}"]`);
    cells.push({ id: cell.id, kind: t.notebook.kind[cell.kind], title, blocks: await cellBlocks(source, cs, element, personal) });
  }
  const k = fmt.int(nb.guards.minExportSize);
  const html = reportHtml({
    title: nb.title,
    lang: fmt.locale,
    meta: [
      { label: t.report.referenceDate, value: nb.settings.referenceDate ?? t.report.noReferenceDate },
      { label: t.report.exported, value: fmt.cell(exportedAt, 'timestamp') },
      { label: t.report.data, value: source.tables.map((s) => t.report.table(s.name, fmt.int(s.rows))).join(', ') }
    ],
    notes: [
      personal.size ? t.report.personalLeftOut([...personal].join(', ')) : t.report.noPersonal,
      t.report.smallGroups(k),
      ...(notRun.length ? [t.report.notRunNote(notRun.join(', '))] : [])
    ],
    cells
  });
  return { html, notRun };
}

/** Why a cell shows no output, or null when it ran. */
function runNote(cs: CellState): string | null {
  if (cs.run?.status === 'error') return t.report.failed(runError(cs.run));
  if (cs.run?.status === 'skipped') return t.report.skipped(runError(cs.run));
  if (cs.status === 'cancelled') return t.report.cancelled;
  if (cs.run?.status !== 'ok' || cs.status !== 'ok') return t.report.notRun;
  return null;
}

async function cellBlocks(source: ReportSource, cs: CellState, element: Element | null, personal: ReadonlySet<string>): Promise<ReportBlock[]> {
  const cell = cs.cell as Exclude<Cell, { kind: 'markdown' }>;
  const blocks: ReportBlock[] = [];
  const shown = cell.collapsed ? null : (element?.querySelector('.report') ?? (cell.kind === 'chart' ? element : null));
  const hasGrid = (root: Element | null | undefined) => root?.querySelector('[data-testid=result-grid]') != null;
  let withResult = cell.kind === 'sql' || hasGrid(shown);
  if (withResult) blocks.push(await resultBlock(source, cs));
  if (SEGMENTATION_KINDS.has(cell.kind)) blocks.push(await segmentsBlock(source, cell as SegmentationCell));
  if (cell.collapsed && cell.kind !== 'sql') blocks.push({ kind: 'note', text: t.report.collapsed });
  if (!shown) return blocks;
  const tabs = [...shown.querySelectorAll<HTMLElement>(':scope > [role=tablist] > [role=tab]')];
  if (!tabs.length) return [...blocks, ...(await shownBlocks(source.fmt, shown, personal, () => true))];
  blocks.push(...(await shownBlocks(source.fmt, shown, personal, (item) => !item.closest('[role=tabpanel]'))));
  const selected = tabs.find((tab) => tab.getAttribute('aria-selected') === 'true');
  for (const tab of tabs.filter((tab) => !SKIPPED_TABS.has(tab.dataset.testid?.replace(/^.*-tab-/, '') ?? ''))) {
    tab.click();
    const ready = await settled(shown, () => source.nb.engineBusy);
    const shownTab = await shownBlocks(source.fmt, shown, personal, (item) => item.closest('[role=tabpanel]') !== null);
    if (!withResult && hasGrid(shown.querySelector('[role=tabpanel]'))) {
      withResult = true;
      shownTab.unshift(await resultBlock(source, cs));
    }
    if (!ready) shownTab.push({ kind: 'note', text: t.report.stillLoading });
    if (shownTab.length) blocks.push({ kind: 'heading', text: tab.textContent?.trim() ?? '' }, ...shownTab);
  }
  selected?.click();
  return blocks;
}

/** Tabs a report leaves out: the members (the result table is in the report already) and the interactive ones. */
const SKIPPED_TABS: ReadonlySet<string> = new Set(['members', 'compare', 'changes', 'sample', 'export']);

/** Texts that a report panel shows while it loads. */
const LOADING: ReadonlySet<string> = new Set([t.profile.loading, t.segment.loading, t.clv.loading, t.cohort.loading, t.lookalike.loading, t.cluster.loading, t.rfm.loading, t.tiers.loading, t.leads.loading, t.campaign.loading]);

/** How long a report panel may take to load and draw before the report goes on without it. */
const SETTLE_MS = 20_000;
/** How long the panel must stay unchanged to count as settled. */
const QUIET_MS = 300;

/**
 * Waits until a report shows its current tab in full: no engine work, nothing loading or busy,
 * every chart drawn and no change for `QUIET_MS`. False when it did not settle within `SETTLE_MS`.
 */
async function settled(report: Element, engineBusy: () => boolean): Promise<boolean> {
  let changed = performance.now();
  const observer = new MutationObserver(() => (changed = performance.now()));
  observer.observe(report, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    const start = performance.now();
    while (performance.now() - start < SETTLE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const busy =
        engineBusy() ||
        report.querySelector('[data-busy=true]') !== null ||
        [...report.querySelectorAll('p.hint')].some((p) => LOADING.has(p.textContent?.trim() ?? '')) ||
        [...report.querySelectorAll('figure[data-testid=chart-view]')].some((f) => !isDrawn(f));
      if (!busy && performance.now() - changed >= QUIET_MS) return true;
    }
    return false;
  } finally {
    observer.disconnect();
  }
}

/** The tables and charts of `root` that `pick` keeps, in page order. */
async function shownBlocks(fmt: Formatter, root: Element, personal: ReadonlySet<string>, pick: (item: Element) => boolean): Promise<ReportBlock[]> {
  const blocks: ReportBlock[] = [];
  for (const item of root.querySelectorAll('table, figure[data-testid=chart-view]')) {
    if (!pick(item)) continue;
    if (item instanceof HTMLTableElement) {
      const table = domTable(fmt, item, personal);
      if (table) blocks.push({ kind: 'table', table });
      continue;
    }
    const svg = await chartSvg(item);
    const label = item.getAttribute('aria-label') ?? '';
    blocks.push(svg ? { kind: 'chart', label, svg: svgPurifier.sanitize(svg, { USE_PROFILES: { svg: true } }) } : { kind: 'note', text: t.report.chartPending });
  }
  return blocks;
}

/** A cell's result: its first rows, personal columns left out (as the cell's downloads do). */
async function resultBlock({ nb, fmt, marks }: ReportSource, cs: CellState): Promise<ReportBlock> {
  const view = cellView(cs.cell as Exclude<Cell, { kind: 'markdown' }>);
  const columns = await personalColumns((text) => nb.rows(text), view, marks);
  const hidden = columns.filter((c) => c.personal).map((c) => c.name);
  if (hidden.length === columns.length && columns.length) return { kind: 'note', text: t.report.allPersonal };
  const query = personalExportQuery({ from: view, columns: columns.map((c) => c.name), personal: hidden });
  const table = await decodeResult(await nb.arrow(String(sql`${query} LIMIT ${REPORT_ROW_LIMIT}`)));
  const decoded = table ? resultColumns(table) : [];
  const total = cs.result?.total ?? cs.run?.rows ?? table?.numRows ?? 0;
  const shown = table?.numRows ?? 0;
  return {
    kind: 'table',
    table: {
      columns: decoded.map((c) => ({ name: c.name, numeric: c.kind === 'number' })),
      rows: Array.from({ length: shown }, (_, r) => decoded.map((c) => fmt.cell(c.at(r), c.kind))),
      totalRows: total,
      count: t.report.rows(fmt.int(shown), fmt.int(total), shown === total)
    }
  };
}

/** Members per segment as the aggregate export writes them: segments under the export threshold suppressed. */
async function segmentsBlock({ nb, fmt }: ReportSource, cell: SegmentationCell): Promise<ReportBlock> {
  const k = nb.guards.minExportSize;
  const query = aggregateExportQuery({ members: cellView(cell), key: cell.key, minSize: k });
  const segments = await nb.rows<{ segment: string | null; [MEMBERS_COLUMN]: number | bigint | null; [SUPPRESSED_COLUMN]: boolean }>(String(query));
  return {
    kind: 'table',
    table: {
      caption: t.report.segments(fmt.int(k)),
      columns: [
        { name: 'segment', numeric: false },
        { name: MEMBERS_COLUMN, numeric: true }
      ],
      rows: segments.map((s) => [s.segment ?? '', s[SUPPRESSED_COLUMN] ? t.report.suppressed(fmt.int(k)) : fmt.int(Number(s[MEMBERS_COLUMN]))]),
      totalRows: segments.length,
      count: t.report.rows(fmt.int(segments.length), fmt.int(segments.length), true)
    }
  };
}

/** A table of a cell's report as the page shows it, personal-data columns (by header) left out. */
function domTable(fmt: Formatter, el: HTMLTableElement, personal: ReadonlySet<string>): ReportTable | null {
  const text = (cell: Element) => words(cell).join(' ');
  const all = [...el.rows];
  const headRow = el.tHead?.rows[el.tHead.rows.length - 1] ?? (all[0] && [...all[0].cells].every((c) => c.tagName === 'TH') ? all[0] : undefined);
  const body = all.filter((r) => r !== headRow && r.parentElement !== el.tHead);
  const width = Math.max(headRow?.cells.length ?? 0, ...body.map((r) => r.cells.length));
  if (!width || !body.length) return null;
  const names = Array.from({ length: width }, (_, i) => (headRow?.cells[i] ? text(headRow.cells[i]) : ''));
  const keep = names.flatMap((name, i) => (personal.has(name) ? [] : [i]));
  const right = (i: number) => body.some((r) => r.cells[i] && getComputedStyle(r.cells[i]).textAlign === 'right');
  const caption = el.caption ? text(el.caption) : (el.getAttribute('aria-label') ?? undefined);
  return {
    ...(caption ? { caption } : {}),
    columns: keep.map((i) => ({ name: names[i], numeric: right(i) })),
    rows: body.map((r) => keep.map((i) => (r.cells[i] ? text(r.cells[i]) : ''))),
    totalRows: body.length,
    count: t.report.rows(fmt.int(Math.min(body.length, REPORT_ROW_LIMIT)), fmt.int(body.length), body.length <= REPORT_ROW_LIMIT)
  };
}

/** The texts of an element's text nodes, trimmed and without empty ones: a badge stays apart from the word before it. */
function words(el: Element): string[] {
  const out: string[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent ?? '').replace(/[ \t\n\r\f]+/g, ' ').trim();
    if (text) out.push(text);
  }
  return out;
}
