import { z } from 'zod';
import { findContactData, findContactDataInPostcode } from '#lumen/personal-data';

/** No control characters: they have no place in a name or an address, and break logs and labels. */
const PRINTABLE = /^[^\p{Cc}]*$/u;

const text = (min: number, max: number, expected: string) =>
  z.string().trim().min(min).max(max).regex(PRINTABLE).describe(expected);

/**
 * Text printed on the carrier's label. The carrier receives the delivery address and nothing
 * else, so an e-mail address or phone number typed into it is refused here, before the order is
 * charged, rather than by the carrier screen after payment (which would end in a refund).
 */
const labelText = (min: number, max: number, expected: string, screen = findContactData) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(PRINTABLE)
    .refine((value) => screen(value) === undefined)
    .describe(`${expected}, with no e-mail address or phone number (it is printed on the label)`);

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Region codes ICU knows that are not countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO']);
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/)
  // zod runs a refinement even after the regex failed, and ICU throws on anything that is not
  // two letters: the pattern is checked again first, so a bad code is a 400, never a 500.
  .refine(
    (code) => /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regions.of(code) !== undefined,
  )
  .describe('an ISO 3166-1 alpha-2 country code in capitals, e.g. GB, DE, US');

export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .refine((code) => CURRENCIES.has(code))
  .describe('an ISO 4217 currency code in capitals, e.g. GBP, EUR, USD');

/** Keeps one line's total, and 100 lines' sum, far below 2^53 minor units. */
const MAX_QUANTITY = 1_000;
const MAX_UNIT_PRICE_MINOR = 1_000_000_000;

/**
 * `POST /orders`: closed at every level (an unknown property is refused by name), every field
 * described with what it expects; those descriptions are both the 400 answers and the OpenAPI
 * document. Totals are not part of the request: checkout computes them.
 */
export function placeOrderRequestSchema(paymentGateways: readonly string[]) {
  return z
    .strictObject({
      customer: z
        .strictObject({
          name: text(1, 200, "the customer's name, 1-200 characters"),
          email: z
            .email()
            .max(254)
            .describe(
              "the customer's e-mail address, e.g. ada@example.com (at most 254 characters)",
            ),
          phone: z
            .string()
            .regex(/^\+?[0-9][0-9 ().-]{4,30}$/)
            .describe(
              "the customer's phone number: digits, optionally a leading + and spaces, dots, dashes or brackets (5-31 characters)",
            ),
        })
        .describe('an object with the name, email and phone of the customer'),
      deliveryAddress: z
        .strictObject({
          recipientName: labelText(1, 200, "the recipient's name, 1-200 characters"),
          lines: z
            .array(labelText(1, 200, 'an address line, 1-200 characters'))
            .min(1)
            .max(4)
            .describe('the street address: 1-4 lines of 1-200 characters'),
          city: labelText(1, 100, 'the city or town, 1-100 characters'),
          region: labelText(
            1,
            100,
            'the county, state or province, 1-100 characters (omit if none)',
          ).optional(),
          postcode: labelText(
            1,
            20,
            'the postcode or ZIP code, 1-20 characters (omit if the country has none)',
            findContactDataInPostcode,
          ).optional(),
          country: countryCodeSchema,
        })
        .describe('an object with recipientName, lines, city, region, postcode and country'),
      items: z
        .array(
          z
            .strictObject({
              sku: z
                .string()
                .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
                .describe(
                  'the stock-keeping unit: 1-64 letters, digits, dots, dashes or underscores',
                ),
              quantity: z
                .int()
                .min(1)
                .max(MAX_QUANTITY)
                .describe(`a whole number of units, 1-${MAX_QUANTITY}`),
              unitPriceMinor: z
                .int()
                .min(0)
                .max(MAX_UNIT_PRICE_MINOR)
                .describe(
                  `the unit price as a whole number of minor units (pence, cents), 0-${MAX_UNIT_PRICE_MINOR}`,
                ),
              currency: currencyCodeSchema,
            })
            .describe('an object with sku, quantity, unitPriceMinor and currency'),
        )
        .min(1)
        .max(100)
        .describe('1-100 order lines, all in one currency'),
      payment: z
        .strictObject({
          gateway: z
            .enum(paymentGateways as [string, ...string[]])
            .describe(
              `the payment gateway that issued the card token: one of ${paymentGateways.join(', ')}`,
            ),
          cardToken: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,255}$/)
            .describe(
              "the single-use token the gateway's hosted card form issued (8-256 letters, digits, . _ : -); never the card number",
            ),
        })
        .describe('an object with the gateway name and its single-use card token'),
      privacyPolicyVersion: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,32}$/)
        .describe('the version of the privacy policy the customer accepted (GET /privacy-policy)'),
    })
    .describe('an order: customer, deliveryAddress, items, payment and privacyPolicyVersion');
}

export type PlaceOrderRequestSchema = ReturnType<typeof placeOrderRequestSchema>;
export type PlaceOrderRequest = z.infer<PlaceOrderRequestSchema>;
