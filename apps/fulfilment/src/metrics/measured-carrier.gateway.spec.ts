import type { CarrierShipmentV1 } from '#lumen/carrier';
import {
  CarrierGateway,
  type HandoverOutcome,
  type TrackingLookup,
} from '../shipments/application/carrier.gateway';
import { fulfilmentMetrics, recordHandover } from './fulfilment.metrics';
import { MeasuredCarrierGateway } from './measured-carrier.gateway';

class ScriptedCarrier extends CarrierGateway {
  constructor(private readonly outcomes: (() => Promise<HandoverOutcome>)[]) {
    super();
  }
  handOver(): Promise<HandoverOutcome> {
    const outcome = this.outcomes.shift();
    if (!outcome) throw new Error('no outcome scripted');
    return outcome();
  }
  trackingOf(): Promise<TrackingLookup> {
    return Promise.resolve({ kind: 'unavailable', detail: 'down' });
  }
}

async function count(operation: string, outcome: string): Promise<number> {
  const { values } = await fulfilmentMetrics.carrierRequests.get();
  return (
    values.find((v) => v.labels.operation === operation && v.labels.outcome === outcome)?.value ?? 0
  );
}

describe('MeasuredCarrierGateway', () => {
  it('counts each hand-over and tracking outcome', async () => {
    const carrier = new MeasuredCarrierGateway(
      new ScriptedCarrier([
        () =>
          Promise.resolve({
            kind: 'accepted',
            carrierShipmentId: 'c',
            acceptedAt: new Date(),
            created: true,
          }),
        () => Promise.resolve({ kind: 'refused', carrierCode: 'x' }),
        () => Promise.resolve({ kind: 'unavailable', detail: '503' }),
        () => Promise.reject(new Error('bug')),
      ]),
    );
    const outcomes = ['ok', 'refused', 'unavailable', 'error'];
    const before = await Promise.all(outcomes.map((o) => count('hand-over', o)));
    const payload = {} as CarrierShipmentV1;
    await carrier.handOver(payload);
    await carrier.handOver(payload);
    await carrier.handOver(payload);
    await expect(carrier.handOver(payload)).rejects.toThrow('bug');
    const trackingBefore = await count('tracking', 'unavailable');
    await carrier.trackingOf('c');

    expect(await Promise.all(outcomes.map((o) => count('hand-over', o)))).toEqual(
      before.map((n) => n + 1),
    );
    expect(await count('tracking', 'unavailable')).toBe(trackingBefore + 1);
  });

  it('observes acceptance to hand-off in seconds, never negative', async () => {
    const countOf = async () =>
      (await fulfilmentMetrics.handoverLatency.get()).values.find(
        (v) => v.metricName === 'lumen_shipment_handover_seconds_count',
      )?.value ?? 0;
    const sumOf = async () =>
      (await fulfilmentMetrics.handoverLatency.get()).values.find(
        (v) => v.metricName === 'lumen_shipment_handover_seconds_sum',
      )?.value ?? 0;
    const [count0, sum0] = [await countOf(), await sumOf()];
    recordHandover(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:02.500Z'));
    recordHandover(new Date('2026-01-01T00:00:05Z'), new Date('2026-01-01T00:00:04Z'));
    expect(await countOf()).toBe(count0 + 2);
    expect(await sumOf()).toBeCloseTo(sum0 + 2.5);
  });
});
