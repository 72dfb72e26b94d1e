import { countryCodeSchema } from './place-order.request';

describe('countryCodeSchema', () => {
  it('accepts a country and refuses a region that is not one', () => {
    expect(countryCodeSchema.safeParse('GB').success).toBe(true);
    expect(countryCodeSchema.safeParse('EU').success).toBe(false);
  });

  it.each(['', 'G', 'gb', 'G1', 'GBR', 'éé', '\uD800'])(
    'refuses %j as invalid input instead of throwing',
    (code) => {
      expect(countryCodeSchema.safeParse(code).success).toBe(false);
    },
  );
});
