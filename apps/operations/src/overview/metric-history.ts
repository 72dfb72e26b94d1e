import type { Sample } from '../scrape/prometheus-text.parser';

export type LabelFilter = Readonly<Record<string, string | readonly string[]>>;

/** Every sample of one scrape round, from every service, with when it was taken. */
export interface Snapshot {
  readonly at: number;
  readonly samples: readonly Sample[];
}

export interface Quantiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Observations the percentiles rest on. */
  readonly count: number;
  /** `window` when taken from observations in the window, `all-time` when none fell in it. */
  readonly basis: 'window' | 'all-time' | 'none';
}

function matches(sample: Sample, name: string, filter: LabelFilter): boolean {
  if (sample.name !== name) return false;
  return Object.entries(filter).every(([key, wanted]) => {
    const value = sample.labels[key];
    if (value === undefined) return false;
    return typeof wanted === 'string' ? value === wanted : wanted.includes(value);
  });
}

/** Sum of every matching series in one snapshot. */
export function total(snapshot: Snapshot, name: string, filter: LabelFilter = {}): number {
  let sum = 0;
  for (const sample of snapshot.samples) {
    if (matches(sample, name, filter) && Number.isFinite(sample.value)) sum += sample.value;
  }
  return sum;
}

/** Largest matching value in one snapshot, or null when there is none. */
export function maximum(snapshot: Snapshot, name: string, filter: LabelFilter = {}): number | null {
  let max: number | null = null;
  for (const sample of snapshot.samples) {
    if (matches(sample, name, filter) && (max === null || sample.value > max)) max = sample.value;
  }
  return max;
}

/** Smallest matching value in one snapshot, or null when there is none. */
export function minimum(snapshot: Snapshot, name: string, filter: LabelFilter = {}): number | null {
  let min: number | null = null;
  for (const sample of snapshot.samples) {
    if (matches(sample, name, filter) && (min === null || sample.value < min)) min = sample.value;
  }
  return min;
}

/** Matching series summed per value of one label: `{ declined: 3, 'key-service-unavailable': 1 }`. */
export function totalsBy(
  snapshot: Snapshot,
  name: string,
  label: string,
  filter: LabelFilter = {},
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const sample of snapshot.samples) {
    const key = sample.labels[label];
    if (key === undefined || !matches(sample, name, filter)) continue;
    totals[key] = (totals[key] ?? 0) + sample.value;
  }
  return totals;
}

/** One series' identity: its name and its whole label set, in a fixed order. */
function seriesKey(sample: Sample): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sample.name, labels]);
}

/** The value of every matching series in one snapshot, keyed by series. */
function seriesValues(snapshot: Snapshot, name: string, filter: LabelFilter): Map<string, number> {
  const values = new Map<string, number>();
  for (const sample of snapshot.samples) {
    if (!matches(sample, name, filter) || !Number.isFinite(sample.value)) continue;
    const key = seriesKey(sample);
    values.set(key, (values.get(key) ?? 0) + sample.value);
  }
  return values;
}

/**
 * Per-second increase of a counter between two snapshots, as Prometheus' `sum(rate())` reads it:
 * each series' increase first, then the sum. A series that went down (its service restarted)
 * counts from zero; one that is new counts from zero too; one that vanished adds nothing. Taking
 * the reset rule on the sum instead let one restarted service look like a spike (or a dip) of
 * every other service's counts.
 */
export function rate(
  first: Snapshot,
  last: Snapshot,
  name: string,
  filter: LabelFilter = {},
): number | null {
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0) return null;
  const before = seriesValues(first, name, filter);
  let increase = 0;
  for (const [key, after] of seriesValues(last, name, filter)) {
    const earlier = before.get(key) ?? 0;
    increase += after >= earlier ? after - earlier : after;
  }
  return increase / seconds;
}

/**
 * p50, p95 and p99 of a histogram over the window (bucket increases, interpolated within a bucket
 * as `histogram_quantile` does); from all observations when none fell in the window.
 */
export function quantiles(
  first: Snapshot,
  last: Snapshot,
  name: string,
  filter: LabelFilter = {},
): Quantiles {
  const latest = buckets(last, name, filter);
  const earlier = buckets(first, name, filter);
  const inWindow = latest.map(([le, count]) => [le, count - (earlier.get(le) ?? 0)] as const);
  const windowCount = inWindow.at(-1)?.[1] ?? 0;
  const [points, basis] =
    windowCount > 0 && first !== last
      ? [inWindow, 'window' as const]
      : [latest.map(([le, count]) => [le, count] as const), 'all-time' as const];
  const count = points.at(-1)?.[1] ?? 0;
  if (count <= 0) return { p50: null, p95: null, p99: null, count: 0, basis: 'none' };
  return {
    p50: quantile(0.5, points),
    p95: quantile(0.95, points),
    p99: quantile(0.99, points),
    count,
    basis,
  };
}

/** Cumulative bucket counts summed across series, sorted by upper bound. */
function buckets(
  snapshot: Snapshot,
  name: string,
  filter: LabelFilter,
): [number, number][] & { get(le: number): number | undefined } {
  const byBound = new Map<number, number>();
  for (const sample of snapshot.samples) {
    if (!matches(sample, `${name}_bucket`, filter)) continue;
    const le =
      sample.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels['le']);
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  const sorted = [...byBound.entries()].sort(([a], [b]) => a - b);
  return Object.assign(sorted, { get: (le: number) => byBound.get(le) });
}

function quantile(q: number, points: readonly (readonly [number, number])[]): number | null {
  const count = points.at(-1)?.[1] ?? 0;
  const rank = q * count;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, cumulative] of points) {
    if (cumulative >= rank) {
      // Above the highest finite bucket there is nothing to interpolate to: report that bound.
      if (!Number.isFinite(bound)) return previousBound;
      const inBucket = cumulative - previousCount;
      if (inBucket <= 0) return bound;
      return previousBound + ((bound - previousBound) * (rank - previousCount)) / inBucket;
    }
    previousBound = bound;
    previousCount = cumulative;
  }
  return null;
}
