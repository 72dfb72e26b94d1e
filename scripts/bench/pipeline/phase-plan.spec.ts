import { DEFAULT_RAMP_RATES, planSteadyPhase, risingRates, sustainedRate } from './phase-plan';

const kept = (offeredPerSecond: number) => ({ offeredPerSecond, saturated: false });
const fell = (offeredPerSecond: number) => ({ offeredPerSecond, saturated: true });

describe('risingRates', () => {
  it('sorts the rates and drops repeats, since the ramp stops at the first step that falls behind', () => {
    expect(risingRates([40, 10, 20, 10])).toEqual([10, 20, 40]);
  });

  it('leaves the default ramp as it is: already rising, finest where a 2-core box saturates', () => {
    expect(risingRates(DEFAULT_RAMP_RATES)).toEqual(DEFAULT_RAMP_RATES);
    expect(DEFAULT_RAMP_RATES[0]).toBe(5);
    expect(DEFAULT_RAMP_RATES.at(-1)).toBe(1000);
  });
});

describe('sustainedRate', () => {
  it('is the highest step every stage kept up with', () => {
    expect(sustainedRate([kept(5), kept(10), kept(15), fell(20)])).toBe(15);
  });

  it('is 0 when no step kept up', () => {
    expect(sustainedRate([fell(5)])).toBe(0);
  });
});

describe('planSteadyPhase', () => {
  it('runs at half the highest rate the ramp kept up with', () => {
    expect(
      planSteadyPhase({ ramp: [kept(5), kept(10), kept(15), fell(20)], explicitRate: undefined }),
    ).toEqual({ rate: 7.5, basis: 'half the sustained rate' });
  });

  it('runs at half the top step when the ramp never fell behind', () => {
    expect(planSteadyPhase({ ramp: [kept(500), kept(1000)], explicitRate: undefined })).toEqual({
      rate: 500,
      basis: 'half the sustained rate',
    });
  });

  it('runs at BENCH_STEADY_RATE when it is set, whatever the ramp found', () => {
    expect(planSteadyPhase({ ramp: [kept(5), fell(10)], explicitRate: 500 })).toEqual({
      rate: 500,
      basis: 'set explicitly',
    });
  });

  it('runs at half the lowest step when no step kept up', () => {
    expect(planSteadyPhase({ ramp: [fell(5)], explicitRate: undefined })).toEqual({
      rate: 2.5,
      basis: 'half the lowest ramp step',
    });
  });

  it('refuses to plan before the ramp has run', () => {
    expect(() => planSteadyPhase({ ramp: [], explicitRate: undefined })).toThrow(/after the ramp/);
  });
});
