import type { View } from 'vega';

/** The Vega view drawn in each chart figure on the page, so a report can take its SVG. */
const views = new WeakMap<Element, View>();

/**
 * Records the view a chart figure shows, until the returned function is called.
 * @param figure the chart's `figure` element
 * @param view its Vega view
 */
export function registerChart(figure: Element, view: View): () => void {
  views.set(figure, view);
  return () => {
    if (views.get(figure) === view) views.delete(figure);
  };
}

/**
 * The SVG of the chart a figure shows, as the figure's SVG export writes it; null while it is not drawn.
 * @param figure a chart's `figure` element
 */
export async function chartSvg(figure: Element): Promise<string | null> {
  const view = views.get(figure);
  return view ? view.toSVG() : null;
}

/**
 * Whether a chart figure shows a drawn chart.
 * @param figure a chart's `figure` element
 */
export function isDrawn(figure: Element): boolean {
  return views.has(figure);
}
