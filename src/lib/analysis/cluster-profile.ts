/**
 * Turns the rows of the cluster-profile queries (src/lib/sql/cluster-profile.ts) into a profile
 * per cluster (size, share, every feature against the base, the most distinctive traits) and
 * describes each cluster in a few plain German or English phrases with a suggested name. Pure.
 *
 * One yardstick ranks numeric and categorical traits alike, the standardised difference from the
 * base: (cluster mean − base mean) / base sd for a number, and for a set of values the same for its
 * 0/1 indicator, (share − base share) / √(base share × (1 − base share)). For a number the
 * clustering prepared (e.g. log1p for skewed spend), the caller passes the difference on the
 * prepared scale, which is what the clustering saw and the centre heatmap shows: a few big spenders
 * can lift a raw mean far above the base while most of the cluster spends less.
 */
import type { CategoryProfileRow, ClusterSizeRow, NumericProfileRow } from '../sql/cluster-profile';

/** A numeric feature in one cluster against the base. */
export interface NumericStat {
  feature: string;
  /** Rows of the cluster with a value. */
  n: number;
  mean: number | null;
  median: number | null;
  sd: number | null;
  baseMean: number | null;
  baseMedian: number | null;
  baseSd: number | null;
  /** mean / base mean; null unless the base mean is > 0 and the cluster mean ≥ 0. */
  ratio: number | null;
  /** (mean − base mean) / base sd; null when the base sd is 0 or unknown. */
  effect: number | null;
}

/** A value of a categorical feature in one cluster against the base. */
export interface ValueShare {
  feature: string;
  value: string;
  count: number;
  /** count / cluster size. */
  share: number;
  /** The value's share of the base. */
  baseShare: number;
  /** share / base share. */
  lift: number;
}

/** A numeric trait: the feature's mean is far from the base's. */
export interface NumericTrait {
  kind: 'numeric';
  feature: string;
  /** Standardised difference (signed), on the prepared scale when one was given. */
  effect: number;
  stat: NumericStat;
}

/** A categorical trait: one or a few values of a feature are over-represented. */
export interface CategoryTrait {
  kind: 'category';
  feature: string;
  /** Standardised difference of the values' joint share (> 0). */
  effect: number;
  /** The over-represented values, most frequent first. */
  values: ValueShare[];
  /** Their joint share of the cluster and of the base. */
  share: number;
  baseShare: number;
}

/** A distinctive trait of a cluster. */
export type ClusterTrait = NumericTrait | CategoryTrait;

/** One cluster's profile. */
export interface ClusterProfile {
  /** 1 … k. */
  cluster: number;
  size: number;
  /** size / base size. */
  share: number;
  /** Every numeric feature, in query order. */
  numeric: NumericStat[];
  /** The listed values of every categorical feature, in query order. */
  values: ValueShare[];
  /** Traits with |effect| ≥ `minEffect`, most distinctive first. */
  traits: ClusterTrait[];
}

/** The rows {@link clusterProfiles} reads. */
export interface ClusterProfileRows {
  sizes: readonly ClusterSizeRow[];
  numeric?: readonly NumericProfileRow[];
  categories?: readonly CategoryProfileRow[];
}

/** Thresholds of what counts as a trait. */
export interface TraitOptions {
  /** Smallest |standardised difference| of a trait. Default 0.5. */
  minEffect?: number;
  /** Smallest share / base share of an over-represented value. Default 1.25. */
  minLift?: number;
  /** Smallest share of the cluster an over-represented value must hold. Default 0.15. */
  minSupport?: number;
  /** Fewest rows of the cluster an over-represented value must hold. Default 5. */
  minCount?: number;
  /** Most values joined into one categorical trait. Default 3. */
  maxValues?: number;
  /**
   * Standardised differences on the prepared scale by numeric feature, one per cluster (index
   * cluster − 1); they replace the raw ones as the traits' effects (see the module comment).
   */
  preparedEffects?: ReadonlyMap<string, readonly number[]>;
}

/** Joint share at which the values of a categorical trait stop being added ("mostly"). */
const MAJORITY = 0.5;

/**
 * Profiles every cluster: its size and share, each numeric feature's mean, median and sd against
 * the base's (ratio and standardised difference), each listed value's share against the base's,
 * and the traits ranked by |standardised difference|. A numeric feature is a trait when its
 * |effect| ≥ `minEffect`. For a categorical feature, the values with lift ≥ `minLift`, share ≥
 * `minSupport` and count ≥ `minCount` are taken most frequent first until they hold half the
 * cluster (at most `maxValues`), and they form a trait when their joint effect ≥ `minEffect`.
 * @param rows the rows of `clusterSizeQuery`, `numericProfileQuery` and `categoryProfileQuery`
 * @param options trait thresholds (see {@link TraitOptions})
 * @throws RangeError when the sizes have no base row
 */
export function clusterProfiles(rows: ClusterProfileRows, options: TraitOptions = {}): ClusterProfile[] {
  const { minEffect = 0.5, minLift = 1.25, minSupport = 0.15, minCount = 5, maxValues = 3, preparedEffects } = options;
  const base = rows.sizes.find((r) => r.is_base);
  if (base === undefined) throw new RangeError('The cluster sizes have no base row.');
  const baseNumeric = new Map((rows.numeric ?? []).filter((r) => r.is_base).map((r) => [r.j, r]));
  return rows.sizes
    .filter((r) => !r.is_base && r.cluster !== null)
    .map((s) => {
      const cluster = s.cluster as number;
      const numeric = (rows.numeric ?? []).filter((r) => !r.is_base && r.cluster === cluster).map((r) => numericStat(r, baseNumeric.get(r.j)));
      const listed = (rows.categories ?? []).filter((r) => !r.is_base && r.cluster === cluster);
      const values = listed.map(valueShare);
      const traits: ClusterTrait[] = [];
      for (const stat of numeric) {
        const effect = preparedEffects?.get(stat.feature)?.[cluster - 1] ?? stat.effect;
        if (effect !== null && Math.abs(effect) >= minEffect) traits.push({ kind: 'numeric', feature: stat.feature, effect, stat });
      }
      for (const j of new Set(listed.map((r) => r.j))) {
        const candidates = values.filter((v, i) => listed[i].j === j && v.lift >= minLift && v.share >= minSupport && v.count >= minCount);
        const trait = categoryTrait(candidates, maxValues);
        if (trait !== null && trait.effect >= minEffect) traits.push(trait);
      }
      traits.sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect));
      return { cluster, size: s.size, share: base.size > 0 ? s.size / base.size : 0, numeric, values, traits };
    });
}

function numericStat(r: NumericProfileRow, b: NumericProfileRow | undefined): NumericStat {
  const baseMean = b?.mean ?? null;
  const baseSd = b?.sd ?? null;
  const mean = r.mean;
  const ratio = mean !== null && baseMean !== null && baseMean > 0 && mean >= 0 ? mean / baseMean : null;
  const effect = mean !== null && baseMean !== null && baseSd !== null && baseSd > 0 ? (mean - baseMean) / baseSd : null;
  return { feature: r.feature, n: r.n, mean, median: r.median, sd: r.sd, baseMean, baseMedian: b?.median ?? null, baseSd, ratio, effect };
}

function valueShare(r: CategoryProfileRow): ValueShare {
  const share = r.size > 0 ? r.count / r.size : 0;
  const baseShare = r.base_size > 0 ? r.base_count / r.base_size : 0;
  return { feature: r.feature, value: r.value, count: r.count, share, baseShare, lift: baseShare > 0 ? share / baseShare : Infinity };
}

/** The most frequent candidates until they hold half the cluster, as one trait; null for none. */
function categoryTrait(candidates: ValueShare[], maxValues: number): CategoryTrait | null {
  const values: ValueShare[] = [];
  let share = 0;
  let baseShare = 0;
  for (const v of [...candidates].sort((a, b) => b.share - a.share)) {
    if (values.length >= maxValues || share >= MAJORITY) break;
    values.push(v);
    share += v.share;
    baseShare += v.baseShare;
  }
  if (values.length === 0 || !(baseShare > 0 && baseShare < 1)) return null;
  const effect = (share - baseShare) / Math.sqrt(baseShare * (1 - baseShare));
  return { kind: 'category', feature: values[0].feature, effect, values, share, baseShare };
}

/** Language of a description. */
export type ProfileLang = 'de' | 'en';

/** The number formatting a description needs (the UI's `Formatter` fits). */
export interface ProfileNumberFormat {
  /** A whole number with grouping. */
  int(n: number): string;
  /** A number with exactly `digits` fraction digits. */
  fixed(n: number, digits: number): string;
  /** A share in 0…1 as a percentage. */
  pct(share: number): string;
}

/** What a numeric feature measures, for the words that describe it: an age (`younger`) or anything else (`lower`). */
export type FeatureKind = 'age' | 'generic';

const AGE_WORDS = new Set(['age', 'alter', 'lebensalter']);
const AGE_FILLERS = new Set(['customer', 'kunde', 'kunden', 'in', 'years', 'jahre', 'jahren']);

/**
 * Guesses what a column measures from its name: `age`, `Alter`, `customer_age`, `Alter in Jahren`
 * are ages; `account_age` or `average` are not.
 * @param column the column name
 */
export function featureKind(column: string): FeatureKind {
  const words = column
    .split(/[^\p{L}\p{N}]+|(?<=\p{Ll})(?=\p{Lu})/u)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '' && !AGE_FILLERS.has(w));
  return words.length === 1 && AGE_WORDS.has(words[0]) ? 'age' : 'generic';
}

/** Words of one feature kind in one language. */
interface KindWords {
  higher: string;
  lower: string;
  /** The phrase's subject: the feature, or nothing where the word says it (`31 % younger`). */
  subject: (feature: string) => string;
  /** Whether a large ratio reads as `2.4× the average` (else as a percentage). */
  times: boolean;
  /** A short name for a cluster whose top trait is this feature. */
  name: (feature: string, higher: boolean) => string;
}

const KIND_WORDS: Record<FeatureKind, Record<ProfileLang, KindWords>> = {
  generic: {
    de: { higher: 'höher', lower: 'niedriger', subject: (f) => `${f} `, times: true, name: (f, up) => `${f} ${up ? 'hoch' : 'niedrig'}` },
    en: { higher: 'higher', lower: 'lower', subject: (f) => `${f} `, times: true, name: (f, up) => `${up ? 'High' : 'Low'} ${f}` }
  },
  age: {
    de: { higher: 'älter', lower: 'jünger', subject: () => '', times: false, name: (_, up) => (up ? 'Älter' : 'Jünger') },
    en: { higher: 'older', lower: 'younger', subject: () => '', times: false, name: (_, up) => (up ? 'Older' : 'Younger') }
  }
};

/** Sentence parts of one language. */
interface LangWords {
  times: (feature: string, factor: string) => string;
  sd: string;
  /** By the joint share of a categorical trait, highest threshold first; `compare` adds both shares. */
  quantifiers: { min: number; word: string; compare: boolean }[];
  versus: (share: string, baseShare: string) => string;
  size: (size: string, share: string) => string;
  none: string;
  cluster: (n: number) => string;
}

const LANG_WORDS: Record<ProfileLang, LangWords> = {
  de: {
    times: (f, x) => `${f} ${x}× der Durchschnitt`,
    sd: 'SD',
    quantifiers: [
      { min: 0.995, word: 'nur', compare: false },
      { min: 0.8, word: 'fast nur', compare: false },
      { min: MAJORITY, word: 'überwiegend', compare: false },
      { min: 0, word: 'häufig', compare: true }
    ],
    versus: (s, b) => `${s} statt ${b}`,
    size: (n, s) => `${n} (${s} aller)`,
    none: 'in allen Merkmalen nahe am Durchschnitt',
    cluster: (n) => `Cluster ${n}`
  },
  en: {
    times: (f, x) => `${f} ${x}× the average`,
    sd: 'SD',
    quantifiers: [
      { min: 0.995, word: 'only', compare: false },
      { min: 0.8, word: 'almost only', compare: false },
      { min: MAJORITY, word: 'mostly', compare: false },
      { min: 0, word: 'often', compare: true }
    ],
    versus: (s, b) => `${s} vs. ${b}`,
    size: (n, s) => `${n} (${s} of all)`,
    none: 'close to the average in every feature',
    cluster: (n) => `Cluster ${n}`
  }
};

/** What a numeric phrase needs. */
interface NumericContext {
  stat: NumericStat;
  effect: number;
  kind: KindWords;
  lang: LangWords;
  fmt: ProfileNumberFormat;
}

/** Ratios at least this far from 1 read as a percentage (closer ones round to `0 %`). */
const MIN_PERCENT = 0.005;

/** How a numeric trait reads; the first form whose test passes is used. */
const NUMERIC_FORMS: { test: (c: NumericContext) => boolean; phrase: (c: NumericContext) => string }[] = [
  {
    test: ({ stat, kind, effect }) => kind.times && effect > 0 && stat.ratio !== null && stat.ratio >= 2,
    phrase: ({ stat, lang, fmt }) => lang.times(stat.feature, fmt.fixed(stat.ratio as number, 1))
  },
  {
    test: ({ stat, effect }) => stat.ratio !== null && Math.abs(stat.ratio - 1) >= MIN_PERCENT && stat.ratio - 1 > 0 === effect > 0,
    phrase: (c) => amount(c, c.fmt.pct(Math.round(Math.abs((c.stat.ratio as number) - 1) * 100) / 100))
  },
  { test: () => true, phrase: (c) => amount(c, `${c.fmt.fixed(Math.abs(c.effect), 1)} ${c.lang.sd}`) }
];

function amount({ stat, effect, kind }: NumericContext, size: string): string {
  return `${kind.subject(stat.feature)}${size} ${effect > 0 ? kind.higher : kind.lower}`;
}

/** A cluster described in words. */
export interface ClusterDescription {
  cluster: number;
  /** A suggested name, from the top trait (e.g. `High Grocery`, `Channel 2`). */
  name: string;
  /** Size and share, e.g. `142 (32,3 % aller)`. */
  size: string;
  /** One phrase per trait, most distinctive first. */
  traits: string[];
  /** The phrases joined, or a phrase saying the cluster is close to the average. */
  text: string;
}

/** Options of {@link describeCluster}. */
export interface DescribeOptions {
  /** Most traits described. Default 3. */
  maxTraits?: number;
  /** What a numeric feature measures, by column; others are guessed by {@link featureKind}. */
  kinds?: Readonly<Record<string, FeatureKind>>;
}

/**
 * Describes a cluster in short phrases, in the profile's trait order: a large ratio as
 * `Grocery 2,4× der Durchschnitt`, other ratios as `Milk 31 % higher` (`31 % jünger` for an age),
 * features without a meaningful ratio, or whose ratio points the other way than the (prepared)
 * effect, in standard deviations (`Score 1.2 SD lower`), over-represented
 * values by their joint share as `überwiegend Bayern und Baden-Württemberg` (or `often A (30 % vs.
 * 10 %)` below half); code-like values (no letters) carry the feature's name (`mostly Channel 2`).
 * The suggested name is the top trait's (`High Grocery`, `Jünger`, `Bayern + Baden-Württemberg`),
 * else `Cluster n`.
 * @param profile a profile from {@link clusterProfiles}
 * @param lang the UI language
 * @param fmt number formatting in that language
 * @param options how many traits, and feature kinds
 */
export function describeCluster(profile: ClusterProfile, lang: ProfileLang, fmt: ProfileNumberFormat, options: DescribeOptions = {}): ClusterDescription {
  const words = LANG_WORDS[lang];
  const traits = profile.traits.slice(0, options.maxTraits ?? 3);
  const phrases = traits.map((t) => {
    if (t.kind === 'category') return categoryPhrase(t, lang, fmt);
    const context = { stat: t.stat, effect: t.effect, kind: kindWords(t.feature, lang, options), lang: words, fmt };
    return NUMERIC_FORMS.find((f) => f.test(context))!.phrase(context);
  });
  return {
    cluster: profile.cluster,
    name: traits.length ? traitName(traits[0], lang, options) : words.cluster(profile.cluster),
    size: words.size(fmt.int(profile.size), fmt.pct(profile.share)),
    traits: phrases,
    text: phrases.length ? phrases.join(', ') : words.none
  };
}

/**
 * Describes every cluster (see {@link describeCluster}) with names that differ: a name two clusters
 * share gets the next trait's name added, and `(n)` where that does not tell them apart.
 * @param profiles the profiles from {@link clusterProfiles}
 * @param lang the UI language
 * @param fmt number formatting in that language
 * @param options how many traits, and feature kinds
 */
export function describeClusters(
  profiles: readonly ClusterProfile[],
  lang: ProfileLang,
  fmt: ProfileNumberFormat,
  options: DescribeOptions = {}
): ClusterDescription[] {
  const out = profiles.map((p) => describeCluster(p, lang, fmt, options));
  const repeated = (list: ClusterDescription[]) => {
    const seen = new Map<string, number>();
    for (const d of list) seen.set(d.name, (seen.get(d.name) ?? 0) + 1);
    return (d: ClusterDescription) => (seen.get(d.name) ?? 0) > 1;
  };
  const first = repeated(out);
  const second = out.map((d, i) => {
    if (!first(d) || profiles[i].traits.length < 2) return d;
    return { ...d, name: `${d.name}, ${traitName(profiles[i].traits[1], lang, options)}` };
  });
  const still = repeated(second);
  return second.map((d) => (still(d) ? { ...d, name: `${d.name} (${d.cluster})` } : d));
}

function kindWords(feature: string, lang: ProfileLang, options: DescribeOptions): KindWords {
  return KIND_WORDS[options.kinds?.[feature] ?? featureKind(feature)][lang];
}

/** A short name for a trait: `High Grocery`, `Jünger`, `Bayern + Baden-Württemberg`. */
function traitName(t: ClusterTrait, lang: ProfileLang, options: DescribeOptions): string {
  return t.kind === 'category' ? valueLabel(t, ' + ') : kindWords(t.feature, lang, options).name(t.feature, t.effect > 0);
}

function categoryPhrase(t: CategoryTrait, lang: ProfileLang, fmt: ProfileNumberFormat): string {
  const words = LANG_WORDS[lang];
  const q = words.quantifiers.find((x) => t.share >= x.min)!;
  const label = valueLabel(t, new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }));
  return q.compare ? `${q.word} ${label} (${words.versus(fmt.pct(t.share), fmt.pct(t.baseShare))})` : `${q.word} ${label}`;
}

/** The trait's values joined; prefixed with the feature when any value has no letter (a code). */
function valueLabel(t: CategoryTrait, joiner: string | Intl.ListFormat): string {
  const values = t.values.map((v) => v.value);
  const list = typeof joiner === 'string' ? values.join(joiner) : joiner.format(values);
  return values.every((v) => /\p{L}/u.test(v)) ? list : `${t.feature} ${list}`;
}
