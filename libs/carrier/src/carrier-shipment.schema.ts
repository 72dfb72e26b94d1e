import { z } from 'zod';
import { findContactData, findContactDataInPostcode } from '#lumen/personal-data';

/**
 * The one payload a carrier ever receives from Lumen: who to deliver to, where, and what the
 * parcel is like. It is an allow-list: `z.strictObject` at every level refuses any other key,
 * so no e-mail address, phone number, order id or customer id can ride along, whatever the
 * caller passes. Limits match what checkout accepts for a delivery address, so every order
 * checkout takes can be shipped.
 */

/** Control characters and bidirectional overrides have no place on a label. */
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

function labelText(max: number, what: string, screen = findContactData) {
  return z
    .string()
    .min(1, `${what}: expected 1-${max} characters`)
    .max(max, `${what}: expected 1-${max} characters`)
    .refine((value) => value === value.trim(), `${what}: expected no leading or trailing spaces`)
    .refine((value) => value === value.normalize('NFC'), `${what}: expected NFC-normalised text`)
    .refine((value) => !UNPRINTABLE.test(value), `${what}: expected no control characters`)
    .superRefine((value, context) => {
      const found = screen(value);
      if (found) {
        context.addIssue({
          code: 'custom',
          message: `${what}: looks like it holds ${found === 'email' ? 'an e-mail address' : 'a phone number'}, which must not reach the carrier`,
        });
      }
    });
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Region codes ICU knows that are not countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO']);

const COUNTRY_PATTERN = /^[A-Z]{2}$/;

export const countryCodeSchema = z.string().refine(
  // One check, not regex-then-refine: zod runs every check, and ICU throws on a malformed code.
  (code) =>
    COUNTRY_PATTERN.test(code) && !NOT_COUNTRIES.has(code) && regions.of(code) !== undefined,
  'country: expected an assigned ISO 3166-1 alpha-2 code in capitals, e.g. GB',
);

/** `shp_` and 26 base32 characters: 128 random bits, no structure, derived from nothing. */
export const SHIPMENT_REFERENCE_PATTERN = /^shp_[a-z2-7]{26}$/;
/** `idk_` and 43 base64url characters: a SHA-256 of the shipment reference. */
export const IDEMPOTENCY_KEY_PATTERN = /^idk_[A-Za-z0-9_-]{43}$/;

export const shipmentReferenceSchema = z
  .string()
  .regex(SHIPMENT_REFERENCE_PATTERN, 'shipmentReference: expected shp_ and 26 base32 characters');

export const carrierIdempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, 'idempotencyKey: expected idk_ and 43 base64url characters');

export const MAX_ADDRESS_LINES = 4;
/** A courier parcel limit; heavier goods go by freight, which is another integration. */
export const MAX_WEIGHT_GRAMS = 70_000;
export const MAX_SIDE_MM = 3_000;
export const MAX_ITEM_COUNT = 1_000;

const whole = (min: number, max: number, what: string) =>
  z
    .int(`${what}: expected a whole number`)
    .min(min, `${what}: expected ${min}-${max}`)
    .max(max, `${what}: expected ${min}-${max}`);

export const carrierAddressSchema = z.strictObject({
  lines: z
    .array(labelText(200, 'address line'))
    .min(1, `lines: expected 1-${MAX_ADDRESS_LINES} address lines`)
    .max(MAX_ADDRESS_LINES, `lines: expected 1-${MAX_ADDRESS_LINES} address lines`),
  city: labelText(100, 'city'),
  region: labelText(100, 'region').optional(),
  postcode: labelText(20, 'postcode', findContactDataInPostcode).optional(),
  country: countryCodeSchema,
});

export const parcelSchema = z.strictObject({
  weightGrams: whole(1, MAX_WEIGHT_GRAMS, 'weightGrams'),
  dimensionsMm: z.strictObject({
    length: whole(1, MAX_SIDE_MM, 'length'),
    width: whole(1, MAX_SIDE_MM, 'width'),
    height: whole(1, MAX_SIDE_MM, 'height'),
  }),
  itemCount: whole(1, MAX_ITEM_COUNT, 'itemCount'),
});

export const carrierShipmentV1Schema = z.strictObject({
  shipmentReference: shipmentReferenceSchema,
  idempotencyKey: carrierIdempotencyKeySchema,
  recipientName: labelText(200, 'recipientName'),
  address: carrierAddressSchema,
  parcel: parcelSchema,
});

export type CarrierShipmentV1 = z.infer<typeof carrierShipmentV1Schema>;
export type CarrierAddress = z.infer<typeof carrierAddressSchema>;
export type ParcelDetails = z.infer<typeof parcelSchema>;
