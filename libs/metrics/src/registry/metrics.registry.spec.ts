import { defineCounter, defineGauge, defineHistogram, metricsRegistry } from './metrics.registry';

describe('metric definitions', () => {
  it('registers a lumen_ metric on the process registry, once however often it is defined', async () => {
    const first = defineCounter({
      name: 'lumen_spec_things_total',
      help: 'things',
      labelNames: ['outcome'],
    });
    const again = defineCounter({
      name: 'lumen_spec_things_total',
      help: 'things',
      labelNames: ['outcome'],
    });
    expect(again).toBe(first);
    first.inc({ outcome: 'ok' }, 2);
    expect(await metricsRegistry.metrics()).toContain('lumen_spec_things_total{outcome="ok"} 2');
  });

  it('refuses a name without the lumen_ prefix', () => {
    expect(() => defineGauge({ name: 'orders_total', help: 'x' })).toThrow(/start with lumen_/);
    expect(() => defineGauge({ name: 'lumen_Orders', help: 'x' })).toThrow(/start with lumen_/);
  });

  it.each(['order_id', 'email', 'customer', 'card_token', 'delivery_address', 'ip', 'name'])(
    'refuses the label %s: personal data or one series per order',
    (label) => {
      expect(() =>
        defineCounter({ name: 'lumen_spec_labelled_total', help: 'x', labelNames: [label] }),
      ).toThrow(/would carry personal data/);
    },
  );

  it('refuses to redefine a name as another kind of metric', () => {
    defineHistogram({ name: 'lumen_spec_latency_seconds', help: 'x', buckets: [1] });
    expect(() => defineCounter({ name: 'lumen_spec_latency_seconds', help: 'x' })).toThrow(
      /another kind/,
    );
  });
});
