/**
 * The example gallery's catalogue: each example notebook in static/samples/, the data it ships with
 * and the language of the names it generates. The cards' words are in `t.gallery` (strings.ts).
 */

/** Where an example's data comes from: made up by the repo's seeded scripts, or a real public dataset. */
export type DatasetId = 'generated' | 'telco';

/** One example of the gallery. */
export interface Example {
  id: 'retail' | 'segments' | 'value' | 'lookalikes' | 'leads' | 'churn' | 'survey' | 'campaign';
  /** The notebook's file in static/samples/. */
  file: string;
  /** The data files it reads, in static/samples/ beside it. */
  data: string[];
  dataset: DatasetId;
  /** The notebook's `settings.locale`: the language of generated names and chart labels. */
  locale: 'de' | 'en';
}

/** Every example, in the gallery's order: from first SQL steps to models. */
export const EXAMPLES: readonly Example[] = [
  { id: 'retail', file: 'retail.notebook.json', data: ['kunden.csv', 'bestellungen.csv'], dataset: 'generated', locale: 'de' },
  {
    id: 'segments',
    file: 'segments.notebook.json',
    data: ['kunden.csv', 'bestellungen.csv', 'umfrage.csv', 'firmen.csv', 'aktivitaeten.csv'],
    dataset: 'generated',
    locale: 'de'
  },
  { id: 'value', file: 'value.notebook.json', data: ['kunden.csv', 'bestellungen.csv'], dataset: 'generated', locale: 'de' },
  { id: 'lookalikes', file: 'lookalikes.notebook.json', data: ['firmen.csv', 'aktivitaeten.csv'], dataset: 'generated', locale: 'de' },
  { id: 'leads', file: 'leads.notebook.json', data: ['leads.csv', 'lead_activities.csv'], dataset: 'generated', locale: 'de' },
  { id: 'churn', file: 'churn.notebook.json', data: ['Telco-Customer-Churn.csv'], dataset: 'telco', locale: 'en' },
  { id: 'survey', file: 'survey.notebook.json', data: ['umfrage.csv', 'kunden.csv'], dataset: 'generated', locale: 'de' },
  { id: 'campaign', file: 'campaign.notebook.json', data: ['kampagne_test.csv', 'kampagne_ereignisse.csv'], dataset: 'generated', locale: 'de' }
];

/** The file beside the samples that names each dataset's origin and licence. */
export const ATTRIBUTION_FILE = 'ATTRIBUTION.md';

/**
 * The query that opens an example by link (`?open=samples/<file>`): shown before it runs.
 * @param example the example
 */
export function exampleQuery(example: Example): string {
  return `?open=samples/${encodeURIComponent(example.file)}`;
}
