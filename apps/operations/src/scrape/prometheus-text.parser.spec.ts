import { parsePrometheusText } from './prometheus-text.parser';

describe('parsePrometheusText', () => {
  it('reads samples with and without labels, skipping HELP and TYPE lines', () => {
    const samples = parsePrometheusText(
      [
        '# HELP lumen_outbox_backlog Outbox rows written but not yet published',
        '# TYPE lumen_outbox_backlog gauge',
        'lumen_outbox_backlog{service="payment"} 3',
        'lumen_plain 1.5e3',
        'lumen_latency_bucket{le="+Inf",service="a b, c"} 7',
        '',
      ].join('\n'),
    );
    expect(samples).toEqual([
      { name: 'lumen_outbox_backlog', labels: { service: 'payment' }, value: 3 },
      { name: 'lumen_plain', labels: {}, value: 1500 },
      { name: 'lumen_latency_bucket', labels: { le: '+Inf', service: 'a b, c' }, value: 7 },
    ]);
  });

  it('unescapes label values and reads special values', () => {
    const [escaped, inf, nan] = parsePrometheusText(
      'x{detail="say \\"hi\\"\\\\ now\\n"} +Inf\ny{} -Inf\nz NaN\n',
    );
    expect(escaped?.labels['detail']).toBe('say "hi"\\ now\n');
    expect(escaped?.value).toBe(Number.POSITIVE_INFINITY);
    expect(inf?.value).toBe(Number.NEGATIVE_INFINITY);
    expect(nan?.value).toBeNaN();
  });

  it('refuses a page that is not the text format', () => {
    expect(() => parsePrometheusText('<html>oops</html>')).toThrow(/not a Prometheus sample/);
    expect(() => parsePrometheusText('x{a=b} 1')).toThrow(/bad label set/);
    expect(() => parsePrometheusText('x 12abc')).toThrow(/bad sample value/);
  });
});
