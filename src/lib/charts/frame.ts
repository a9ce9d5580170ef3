import type { TopLevelSpec } from 'vega-lite';
import { CHART_DATA } from './chart-spec';

/** Vega number formats per notebook locale (German `1.234,5`, English `1,234.5`). */
export const NUMBER_LOCALE = {
  de: { decimal: ',', thousands: '.', grouping: [3], currency: ['', '\u00a0€'] },
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['$', ''] }
} as const;

/**
 * The top level the analysis charts share: schema, named data, optional title, the locale's
 * number format and a quiet look; `body` adds marks, encodings and layout.
 * @param options locale and title
 * @param body the rest of the spec
 * @param look axis label limit and extra config (legend…)
 */
export function chartFrame(
  options: { locale: 'de' | 'en'; title?: string },
  body: Record<string, unknown>,
  look: { labelLimit: number; config?: Record<string, unknown> }
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { name: CHART_DATA },
    padding: 5,
    ...(options.title ? { title: options.title } : {}),
    config: {
      locale: { number: NUMBER_LOCALE[options.locale] },
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: look.labelLimit },
      view: { stroke: null },
      ...look.config
    },
    ...body
  } as unknown as TopLevelSpec;
}
