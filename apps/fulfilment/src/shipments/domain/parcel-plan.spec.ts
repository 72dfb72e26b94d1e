import { MAX_WEIGHT_GRAMS, parcelSchema } from '#lumen/carrier';
import { planParcel } from './parcel-plan';

const rules = { itemWeightGrams: 500, packagingWeightGrams: 250 };

describe('planParcel', () => {
  it('packs one item in the smallest box with its estimated weight', () => {
    expect(planParcel(1, rules)).toEqual({
      ok: true,
      parcel: {
        weightGrams: 750,
        dimensionsMm: { length: 250, width: 180, height: 100 },
        itemCount: 1,
      },
    });
  });

  it('takes a bigger box as the item count grows, and never a smaller one', () => {
    let previousVolume = 0;
    for (let items = 1; items <= 130; items++) {
      const plan = planParcel(items, rules);
      if (!plan.ok) throw new Error(`${items} items did not fit`);
      const { length, width, height } = plan.parcel.dimensionsMm;
      expect(length * width * height).toBeGreaterThanOrEqual(previousVolume);
      previousVolume = length * width * height;
      expect(plan.parcel.itemCount).toBe(items);
      expect(plan.parcel.weightGrams).toBe(items * 500 + 250);
      // Every plan is something the carrier allow-list accepts.
      expect(parcelSchema.safeParse(plan.parcel).success).toBe(true);
    }
  });

  it('refuses goods heavier than one courier parcel may be', () => {
    const heaviest = Math.floor((MAX_WEIGHT_GRAMS - 250) / 500);
    expect(planParcel(heaviest, rules).ok).toBe(true);
    expect(planParcel(heaviest + 1, rules)).toEqual({ ok: false, reason: 'parcel-over-limit' });
  });

  it('refuses a count that is not a whole positive number', () => {
    expect(() => planParcel(0, rules)).toThrow(RangeError);
    expect(() => planParcel(1.5, rules)).toThrow(RangeError);
  });
});
