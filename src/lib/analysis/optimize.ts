/**
 * A quasi-Newton (BFGS) minimiser for smooth objectives of a few parameters with analytic
 * gradients, plus the glue the customer-value fits share: fitting positive parameters on the log
 * scale and collapsing per-customer counts to their distinct values.
 *
 * Why not an npm optimiser: `fmin` 0.0.4 (the common choice) exports nothing under Node's ES
 * module loader (`"type": "module"` with a UMD `main`), assigns an undeclared variable in its
 * Nelder-Mead shrink step (a ReferenceError in strict mode) and reports neither iterations nor
 * convergence. BFGS with exact gradients needs tens of likelihood passes where Nelder-Mead needs
 * hundreds, which matters at a million customers.
 */

/**
 * An objective that returns f(x) and writes ∇f(x) into `gradient`. It must not keep `x` or
 * `gradient`: the minimiser reuses both arrays.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Stopping rules for `minimize`. */
export interface MinimizeOptions {
  /** Most BFGS steps before giving up (default 100). */
  maxIterations?: number;
  /** Converged once max |∂f/∂xᵢ| ≤ this (default 1e-8). Scale f so that this is meaningful. */
  gradientTolerance?: number;
  /** Stop, not converged, once some |xᵢ| exceeds this (default: no limit). */
  limit?: number;
}

/** Where the minimiser stopped and why. */
export interface MinimizeResult {
  x: Float64Array;
  fx: number;
  converged: boolean;
  iterations: number;
  /** Calls of the objective. */
  evaluations: number;
  message: string;
}

/** Armijo sufficient-decrease constant of the backtracking line search. */
const ARMIJO = 1e-4;
/** Curvature constant of the approximate Wolfe test. */
const CURVATURE = 0.9;
/** Relative change of f below which f differences are treated as rounding noise. */
const NOISE = 1e-10;
/** Largest change of any coordinate in one step, so that exp(x) cannot jump to overflow. */
const MAX_STEP = 5;
const MAX_BACKTRACKS = 60;

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

function setIdentity(h: Float64Array, n: number, scale: number): void {
  h.fill(0);
  for (let i = 0; i < n; i++) h[i * n + i] = scale;
}

/**
 * Minimises a smooth function with BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * algorithm 6.1) and a backtracking line search that shrinks the step to the minimum of the
 * quadratic through f(x), f'(x) and the rejected point, kept within [0.1, 0.5] of the step.
 *
 * A step is accepted when it satisfies Armijo's sufficient decrease, or, as in Hager & Zhang's
 * CG_DESCENT (SIAM J. Optim. 16(1), 2005), the approximate Wolfe conditions
 * (2·1e-4 − 1)·φ'(0) ≥ φ'(step) ≥ 0.9·φ'(0) while f rose by at most 1e-10·|f|. Near the
 * optimum of a sum over a million customers the decrease in f is below its rounding error while
 * the gradient is still accurate; the second test lets the search finish on gradient information.
 *
 * The inverse-Hessian estimate starts as the identity, is rescaled by sᵀy/yᵀy after the first
 * step (eq. 6.20), and is updated only when the curvature sᵀy is positive; a search direction that
 * is not downhill resets it. Each step is capped so that no coordinate moves by more than 5.
 *
 * Convergence criteria, checked before every step:
 * - **converged**: max |∂f/∂xᵢ| ≤ `gradientTolerance`;
 * - **not converged**: `maxIterations` steps taken; some |xᵢ| beyond `limit`; the line search
 *   finds no sufficient decrease in 60 reductions (precision exhausted or a non-smooth objective);
 *   or f or ∇f is not finite at the start.
 * @param f objective returning f(x) and filling ∇f(x)
 * @param x0 starting point
 * @param options stopping rules
 */
export function minimize(f: Objective, x0: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.gradientTolerance ?? 1e-8;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const p = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  const h = new Float64Array(n * n);
  setIdentity(h, n, 1);

  let fx = f(x, g);
  let evaluations = 1;
  const result = (converged: boolean, iterations: number, message: string): MinimizeResult => ({
    x,
    fx,
    converged,
    iterations,
    evaluations,
    message
  });
  if (!Number.isFinite(fx) || !Number.isFinite(maxAbs(g))) {
    return result(false, 0, `objective or gradient is not finite at the starting point (f = ${fx})`);
  }

  for (let iteration = 0; ; iteration++) {
    const gradientNorm = maxAbs(g);
    if (gradientNorm <= tolerance) {
      return result(true, iteration, `gradient norm ${gradientNorm.toExponential(2)} ≤ ${tolerance.toExponential(2)}`);
    }
    if (iteration === maxIterations) {
      return result(false, iteration, `stopped after ${maxIterations} iterations with gradient norm ${gradientNorm.toExponential(2)}`);
    }
    if (maxAbs(x) > limit) {
      return result(false, iteration, `stopped after ${iteration} iterations: a coordinate passed ±${limit.toPrecision(3)}`);
    }

    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= h[i * n + j] * g[j];
      p[i] = v;
    }
    let slope = dot(g, p);
    if (!(slope < 0)) {
      setIdentity(h, n, 1);
      for (let i = 0; i < n; i++) p[i] = -g[i];
      slope = -dot(g, g);
    }

    let step = Math.min(1, MAX_STEP / maxAbs(p));
    let fNew = Number.NaN;
    let accepted = false;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * p[i];
      fNew = f(xNew, gNew);
      evaluations++;
      const slopeNew = dot(gNew, p);
      const armijo = fNew <= fx + ARMIJO * step * slope;
      const approximateWolfe = fNew <= fx + NOISE * Math.abs(fx) && slopeNew >= CURVATURE * slope && slopeNew <= (2 * ARMIJO - 1) * slope;
      if ((armijo || approximateWolfe) && Number.isFinite(slopeNew)) {
        accepted = true;
        break;
      }
      const curvature = fNew - fx - step * slope;
      const quadraticMinimum = Number.isFinite(curvature) && curvature > 0 ? (-slope * step * step) / (2 * curvature) : 0;
      step = Math.min(0.5 * step, Math.max(0.1 * step, quadraticMinimum));
    }
    if (!accepted) {
      return result(false, iteration, `line search found no decrease at gradient norm ${gradientNorm.toExponential(2)}`);
    }

    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 0) {
      if (iteration === 0) setIdentity(h, n, sy / dot(y, y));
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += h[i * n + j] * y[j];
        hy[i] = v;
      }
      const yhy = dot(y, hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
      }
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
  }
}

/** Bounds on a fitted log-parameter: an estimate beyond ±LOG_BOUND sits at the edge of the space. */
const LOG_BOUND = Math.log(1e6);

/** A fitted model: estimates, log-likelihood and how the optimiser ended. */
export interface ModelFit<P> {
  params: P;
  /** Total log-likelihood at `params`. */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  message: string;
  /** Customers the likelihood was summed over. */
  customers: number;
}

/**
 * Fits positive parameters θ by maximum likelihood: minimises the mean negative log-likelihood
 * over x = ln(θ·scale) with `minimize`, then checks the estimate. Fitting on the log scale keeps
 * every parameter positive without constraints; the scale makes parameters that carry units
 * (time, money) unit-free, so that sensible values lie near 1.
 *
 * A model the data do not pin down shows up as a likelihood that keeps rising while a parameter
 * runs to 0 or ∞; its log-scale gradient shrinks along the way, so the gradient test alone can
 * pass. An estimate with |xᵢ| > ln 1e6 (scaled θᵢ outside [1e-6, 1e6]) is therefore reported as
 * not converged, and the search stops once some |xᵢ| passes ln 1e12.
 * @param f mean negative log-likelihood of (ln θ₁, …, ln θₖ) in `names` order, with gradient
 * @param names parameter names, in the order `f` takes them
 * @param initial starting values
 * @param scale per-parameter factor applied before taking logs (default 1)
 * @param customers number of terms in the likelihood, to turn the mean back into a total
 * @param options stopping rules passed to `minimize`
 */
export function fitMaximumLikelihood<N extends string>(
  f: Objective,
  names: readonly N[],
  initial: Record<N, number>,
  scale: Partial<Record<N, number>>,
  customers: number,
  options: MinimizeOptions = {}
): ModelFit<Record<N, number>> {
  const shift = Float64Array.from(names, (name) => Math.log(scale[name] ?? 1));
  const start = Float64Array.from(names, (name, i) => Math.log(initial[name]) + shift[i]);
  const u = new Float64Array(names.length);
  const scaled: Objective = (v, gradient) => {
    for (let i = 0; i < u.length; i++) u[i] = v[i] - shift[i];
    return f(u, gradient);
  };
  const { x, fx, converged, iterations, evaluations, message } = minimize(scaled, start, { limit: 2 * LOG_BOUND, ...options });
  const outside = names.flatMap((name, i) => (Math.abs(x[i]) <= LOG_BOUND ? [] : [`${name} → ${x[i] > 0 ? '∞' : '0'}`]));
  return {
    params: Object.fromEntries(names.map((name, i) => [name, Math.exp(x[i] - shift[i])])) as Record<N, number>,
    logLikelihood: -customers * fx,
    converged: converged && outside.length === 0,
    iterations,
    evaluations,
    message:
      outside.length === 0
        ? message
        : `${outside.join(', ')}: the likelihood keeps rising towards the edge of the parameter space, so it has no interior maximum for these data (${message})`,
    customers
  };
}

/** The distinct values of a per-customer count, how often each occurs, and which one each customer has. */
export interface DistinctValues {
  values: Float64Array;
  counts: Float64Array;
  /** `index[i]` is the position in `values` of customer i's value. */
  index: Uint32Array;
}

/**
 * Collapses a column to its distinct values. The customer-value likelihoods depend on the
 * purchase count x through gamma-function terms that are then evaluated once per distinct x
 * instead of once per customer.
 * @param column per-customer values
 */
export function distinctValues(column: Float64Array): DistinctValues {
  const position = new Map<number, number>();
  const index = new Uint32Array(column.length);
  const counts: number[] = [];
  for (let i = 0; i < column.length; i++) {
    let k = position.get(column[i]);
    if (k === undefined) {
      k = counts.length;
      position.set(column[i], k);
      counts.push(0);
    }
    counts[k]++;
    index[i] = k;
  }
  return { values: Float64Array.from(position.keys()), counts: Float64Array.from(counts), index };
}
