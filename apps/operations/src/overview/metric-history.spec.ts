import type { Sample } from '../scrape/prometheus-text.parser';
import { maximum, quantiles, rate, total, totalsBy, type Snapshot } from './metric-history';

const sample = (name: string, labels: Record<string, string>, value: number): Sample => ({
  name,
  labels,
  value,
});

/** A histogram with buckets 0.1, 0.5, 1 and +Inf, as cumulative counts. */
function histogram(service: string, counts: [number, number, number, number]): Sample[] {
  const bounds = ['0.1', '0.5', '1', '+Inf'];
  return [
    ...bounds.map((le, i) =>
      sample('lumen_latency_seconds_bucket', { le, service }, counts[i] ?? 0),
    ),
    sample('lumen_latency_seconds_count', { service }, counts[3]),
  ];
}

describe('metric history', () => {
  const first: Snapshot = {
    at: 0,
    samples: [
      sample('lumen_orders_total', { outcome: 'accepted', service: 'checkout' }, 10),
      sample('lumen_orders_total', { outcome: 'refused', service: 'checkout' }, 2),
      ...histogram('payment', [0, 0, 0, 0]),
    ],
  };
  const last: Snapshot = {
    at: 10_000,
    samples: [
      sample('lumen_orders_total', { outcome: 'accepted', service: 'checkout' }, 30),
      sample('lumen_orders_total', { outcome: 'refused', service: 'checkout' }, 7),
      sample('lumen_outbox_oldest_age_seconds', { service: 'payment' }, 4),
      sample('lumen_outbox_oldest_age_seconds', { service: 'fulfilment' }, 9),
      ...histogram('payment', [50, 90, 100, 100]),
    ],
  };

  it('sums series and breaks them down by a label', () => {
    expect(total(last, 'lumen_orders_total')).toBe(37);
    expect(total(last, 'lumen_orders_total', { outcome: 'accepted' })).toBe(30);
    expect(total(last, 'lumen_orders_total', { outcome: ['accepted', 'refused'] })).toBe(37);
    expect(totalsBy(last, 'lumen_orders_total', 'outcome')).toEqual({ accepted: 30, refused: 7 });
    expect(maximum(last, 'lumen_outbox_oldest_age_seconds')).toBe(9);
    expect(maximum(last, 'lumen_missing')).toBeNull();
  });

  it('computes a per-second rate over the window, and survives a counter reset', () => {
    expect(rate(first, last, 'lumen_orders_total', { outcome: 'accepted' })).toBe(2);
    const restarted: Snapshot = {
      at: 20_000,
      samples: [sample('lumen_orders_total', { outcome: 'accepted' }, 5)],
    };
    expect(rate(last, restarted, 'lumen_orders_total', { outcome: 'accepted' })).toBe(0.5);
    expect(rate(last, last, 'lumen_orders_total')).toBeNull();
  });

  it('applies the reset rule per series, so one service restarting is no spike in the others', () => {
    const events = (checkout: number, payment: number, at: number): Snapshot => ({
      at,
      samples: [
        sample('lumen_events_total', { service: 'checkout', topic: 'a' }, checkout),
        sample('lumen_events_total', { service: 'payment', topic: 'a' }, payment),
      ],
    });
    // Payment restarted (1,000 -> 4) while checkout went 100 -> 110: 14 events in 10 s.
    expect(rate(events(100, 1_000, 0), events(110, 4, 10_000), 'lumen_events_total')).toBe(1.4);
    // The sum did not go down (checkout grew more than payment lost), and still 104 in 10 s.
    expect(rate(events(100, 50, 0), events(200, 4, 10_000), 'lumen_events_total')).toBe(10.4);
    // A service that vanished from the scrape adds nothing; one that appeared counts from zero.
    const onlyCheckout: Snapshot = {
      at: 10_000,
      samples: [sample('lumen_events_total', { service: 'checkout', topic: 'a' }, 130)],
    };
    expect(rate(events(100, 1_000, 0), onlyCheckout, 'lumen_events_total')).toBe(3);
    expect(rate(onlyCheckout, events(140, 6, 20_000), 'lumen_events_total')).toBe(1.6);
  });

  it('interpolates percentiles within buckets as histogram_quantile does', () => {
    const q = quantiles(first, last, 'lumen_latency_seconds');
    expect(q.basis).toBe('window');
    expect(q.count).toBe(100);
    // 50 of 100 are in the first bucket (0 to 0.1): the median is its upper edge.
    expect(q.p50).toBeCloseTo(0.1);
    // Rank 95 is 5 of the 10 observations in (0.5, 1]: halfway.
    expect(q.p95).toBeCloseTo(0.75);
    expect(q.p99).toBeCloseTo(0.95);
  });

  it('falls back to all observations when none fell in the window, and says so', () => {
    expect(quantiles(last, last, 'lumen_latency_seconds').basis).toBe('all-time');
    expect(quantiles(first, first, 'lumen_latency_seconds')).toEqual({
      p50: null,
      p95: null,
      p99: null,
      count: 0,
      basis: 'none',
    });
  });
});
