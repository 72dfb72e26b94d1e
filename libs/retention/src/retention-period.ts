/**
 * A retention period: an ISO-8601 duration (`P30D`, `PT1H`, `P6Y`) or a whole number of days.
 * Years and months are calendar units (six years back from 29 February lands on 28 February),
 * so "keep accounting records six years" means what an accountant means by it.
 */
export type RetentionPeriod = string | number;

interface DurationParts {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The parts of an ISO-8601 duration; undefined when the text is not one (or is zero). */
export function parseIsoDuration(text: string): DurationParts | undefined {
  const match = DURATION.exec(text);
  if (match === null || text.endsWith('T')) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part: string | undefined) => (part === undefined ? 0 : Number(part)));
  const parts = {
    years: years ?? 0,
    months: months ?? 0,
    weeks: weeks ?? 0,
    days: days ?? 0,
    hours: hours ?? 0,
    minutes: minutes ?? 0,
    seconds: seconds ?? 0,
  };
  return Object.values(parts).some((value) => value > 0) ? parts : undefined;
}

/** True when `period` is a positive whole number of days or a non-zero ISO-8601 duration. */
export function isRetentionPeriod(period: unknown): period is RetentionPeriod {
  if (typeof period === 'number') return Number.isSafeInteger(period) && period > 0;
  return typeof period === 'string' && parseIsoDuration(period) !== undefined;
}

/**
 * The moment before which a record whose trigger happened is due: `now` minus the period.
 * A record is due when its trigger time is strictly before the cutoff.
 */
export function cutoffBefore(now: Date, period: RetentionPeriod): Date {
  const parts: DurationParts | undefined =
    typeof period === 'number'
      ? { years: 0, months: 0, weeks: 0, days: period, hours: 0, minutes: 0, seconds: 0 }
      : parseIsoDuration(period);
  if (parts === undefined || !isRetentionPeriod(period)) {
    throw new Error(`Not a retention period: ${String(period)}`);
  }
  const cutoff = new Date(now.getTime());
  if (parts.years > 0 || parts.months > 0) {
    const day = cutoff.getUTCDate();
    cutoff.setUTCDate(1);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - parts.months - 12 * parts.years);
    const lastDay = new Date(
      Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth() + 1, 0),
    ).getUTCDate();
    cutoff.setUTCDate(Math.min(day, lastDay));
  }
  const fixedMs =
    ((((parts.weeks * 7 + parts.days) * 24 + parts.hours) * 60 + parts.minutes) * 60 +
      parts.seconds) *
    1000;
  return new Date(cutoff.getTime() - fixedMs);
}

/** The period in milliseconds when it has no calendar units (for comparing with topic retention). */
export function fixedPeriodMs(period: RetentionPeriod): number | undefined {
  const now = new Date(0);
  if (typeof period === 'string') {
    const parts = parseIsoDuration(period);
    if (parts === undefined || parts.years > 0 || parts.months > 0) return undefined;
  }
  return now.getTime() - cutoffBefore(now, period).getTime();
}
