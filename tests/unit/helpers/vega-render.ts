import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { expect } from 'vitest';
import { validateVegaLite as validate } from './vega-lite';

/**
 * Renders a Vega-Lite spec over rows (the named data set `values`) to SVG with Vega in Node.
 * @param spec the spec
 * @param values the rows
 */
export async function renderSvg(spec: TopLevelSpec, values: object[]): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  view.data('values', values);
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * Expects a spec to read the named data set `values` and to pass the Vega-Lite JSON schema.
 * @param spec the spec
 * @param what names the spec in failure messages
 */
export function expectValidSpec(spec: TopLevelSpec, what: string): void {
  expect((spec as { data: unknown }).data, what).toEqual({ name: 'values' });
  expect(validate(spec), `${what}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
}

/**
 * How many SVG elements carry an ARIA role description (`point`, `rect mark`, …).
 * @param svg the rendered SVG
 * @param role the role description
 */
export function countRole(svg: string, role: string): number {
  return (svg.match(new RegExp(`aria-roledescription="${role}"`, 'g')) ?? []).length;
}
