/**
 * How well a score ranks known positives above known negatives: ROC AUC (ties count half), recall
 * at the top X % of the ranking, the cumulative gains and lift curve, the ROC curve and where the
 * positives land in the ranking. Pure; the rows are given as scores and a truth per row
 * (1 positive, 0 negative, anything else not evaluated).
 *
 * The ranking sorts by score, highest first, and breaks ties by row index (the rows come in key
 * order, as the cell's own ranking does).
 */

/** Recall at one depth of the ranking. */
export interface RecallAt {
  /** Share of the evaluated rows taken from the top, e.g. 0.05. */
  share: number;
  /** Rows taken: ⌈share × rows⌉. */
  rows: number;
  /** Share of the positives among them. */
  recall: number;
}

/** One point of the gains curve. */
export interface GainsPoint {
  /** Share of the ranking taken from the top. */
  share: number;
  /** Share of the positives found there. */
  gain: number;
  /** gain / share (1 = no better than random); null at share 0. */
  lift: number | null;
}

/** One point of the ROC curve. */
export interface RocPoint {
  fpr: number;
  tpr: number;
}

/** The evaluation of a ranking. */
export interface RankingEvaluation {
  positives: number;
  negatives: number;
  /** Probability that a random positive scores above a random negative (ties half). */
  auc: number;
  recall: RecallAt[];
  gains: GainsPoint[];
  roc: RocPoint[];
  /**
   * Where the positives land: `counts[b]` positives in the b-th tenth of the ranking (0 = top
   * 10 %), so a good model piles them up on the left.
   */
  positiveRanks: number[];
}

/** Depths of the recall table. */
export const RECALL_SHARES = [0.01, 0.05, 0.1, 0.2, 0.5] as const;

/** Points of the gains curve: every 5 % of the ranking. */
const GAINS_STEPS = 20;
/** Bins of the positives' rank histogram. */
const RANK_BINS = 10;
/** Most points kept of the ROC curve. */
const ROC_POINTS = 200;

/**
 * ROC AUC by the Mann–Whitney statistic with average ranks for ties; null without a positive or a
 * negative.
 * @param scores score per row
 * @param truth 1 positive, 0 negative, other values are left out
 */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number | null {
  const rows = evaluated(truth);
  const order = Array.from(rows).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (truth[order[t]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The whole evaluation of a ranking; null when there is no positive or no negative to compare.
 * @param scores score per row
 * @param truth 1 positive, 0 negative, other values are left out
 */
export function evaluateRanking(scores: ArrayLike<number>, truth: ArrayLike<number>): RankingEvaluation | null {
  const auc = rocAuc(scores, truth);
  if (auc === null) return null;
  const order = Array.from(evaluated(truth)).sort((a, b) => scores[b] - scores[a] || a - b);
  const n = order.length;
  const found = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) found[i + 1] = found[i] + (truth[order[i]] === 1 ? 1 : 0);
  const positives = found[n];
  const negatives = n - positives;
  const recall = RECALL_SHARES.map((share) => {
    const rows = Math.min(n, Math.ceil(share * n));
    return { share, rows, recall: found[rows] / positives };
  });
  const gains: GainsPoint[] = [];
  for (let s = 0; s <= GAINS_STEPS; s++) {
    const share = s / GAINS_STEPS;
    const gain = found[Math.min(n, Math.ceil(share * n))] / positives;
    gains.push({ share, gain, lift: s === 0 ? null : gain / share });
  }
  const positiveRanks = new Array<number>(RANK_BINS).fill(0);
  for (let i = 0; i < n; i++) {
    if (truth[order[i]] === 1) positiveRanks[Math.min(RANK_BINS - 1, Math.floor((i * RANK_BINS) / n))]++;
  }
  return { positives, negatives, auc, recall, gains, roc: rocCurve(scores, order, found, positives, negatives), positiveRanks };
}

/** ROC points at every distinct score (thinned to `ROC_POINTS`), from (0, 0) to (1, 1). */
function rocCurve(scores: ArrayLike<number>, order: number[], found: Int32Array, positives: number, negatives: number): RocPoint[] {
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  for (let i = 0; i < order.length; i++) {
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    const tp = found[i + 1];
    points.push({ fpr: (i + 1 - tp) / negatives, tpr: tp / positives });
  }
  if (points.length <= ROC_POINTS) return points;
  const step = (points.length - 1) / (ROC_POINTS - 1);
  return Array.from({ length: ROC_POINTS }, (_, k) => points[Math.round(k * step)]);
}

function evaluated(truth: ArrayLike<number>): Int32Array {
  let count = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 0 || truth[i] === 1) count++;
  const rows = new Int32Array(count);
  let at = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 0 || truth[i] === 1) rows[at++] = i;
  return rows;
}

/** Counts of values in equal-width bins between the smallest and the largest. */
export interface Histogram {
  /** Lower edge of every bin, then the upper edge of the last. */
  edges: number[];
  counts: number[];
}

/**
 * A histogram of the values at `rows` in `bins` equal-width bins (one bin when all are equal).
 * @param values the values
 * @param rows which of them (indices)
 * @param bins number of bins
 */
export function histogram(values: ArrayLike<number>, rows: ArrayLike<number>, bins = 20): Histogram {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (rows.length === 0) return { edges: [], counts: [] };
  const k = hi > lo ? bins : 1;
  const width = hi > lo ? (hi - lo) / k : 1;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < rows.length; i++) counts[Math.min(k - 1, Math.floor((values[rows[i]] - lo) / width))]++;
  return { edges: Array.from({ length: k + 1 }, (_, b) => lo + b * width), counts };
}
