import { MAX_ITEM_COUNT, MAX_SIDE_MM, MAX_WEIGHT_GRAMS, type ParcelDetails } from '#lumen/carrier';

export interface PackingRules {
  readonly itemWeightGrams: number;
  readonly packagingWeightGrams: number;
}

/** Standard boxes, smallest first, with how many items each takes. */
const BOXES = [
  { maxItems: 1, dimensionsMm: { length: 250, width: 180, height: 100 } },
  { maxItems: 4, dimensionsMm: { length: 350, width: 250, height: 160 } },
  { maxItems: 12, dimensionsMm: { length: 450, width: 350, height: 250 } },
  { maxItems: 40, dimensionsMm: { length: 600, width: 400, height: 400 } },
  { maxItems: MAX_ITEM_COUNT, dimensionsMm: { length: 1_200, width: 800, height: 800 } },
] as const;

export type ParcelPlan =
  | { readonly ok: true; readonly parcel: ParcelDetails }
  | { readonly ok: false; readonly reason: 'parcel-over-limit' };

/**
 * The parcel for an order's items: the smallest standard box that takes them and an estimated
 * weight (items × per-item weight + packaging). An order that cannot go as one courier parcel
 * is not shippable by this integration; it fails with a reason so payment compensates.
 */
export function planParcel(itemCount: number, rules: PackingRules): ParcelPlan {
  if (!Number.isInteger(itemCount) || itemCount < 1) {
    throw new RangeError('itemCount must be a whole number of at least 1');
  }
  const box = BOXES.find((candidate) => itemCount <= candidate.maxItems);
  const weightGrams = itemCount * rules.itemWeightGrams + rules.packagingWeightGrams;
  if (!box || weightGrams > MAX_WEIGHT_GRAMS) return { ok: false, reason: 'parcel-over-limit' };
  const { length, width, height } = box.dimensionsMm;
  if (Math.max(length, width, height) > MAX_SIDE_MM) {
    return { ok: false, reason: 'parcel-over-limit' };
  }
  return {
    ok: true,
    parcel: { weightGrams, dimensionsMm: { length, width, height }, itemCount },
  };
}
