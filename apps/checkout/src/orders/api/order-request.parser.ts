import type { z } from 'zod';
import { containsCardNumber, holdsCardNumber } from '#lumen/personal-data';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import type { PlaceOrderRequest, PlaceOrderRequestSchema } from './place-order.request';
import { describeProblems } from './request-problems';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Refuses a body holding anything that looks like a card number, wherever it is: values,
 * property names, numbers (checked in the raw text, which keeps every digit). Runs before the
 * schema, so even an unknown property holding a card number gets this answer; the message
 * says where to send card details and never repeats them.
 */
export function refuseCardNumbers(body: unknown, rawBody: string | undefined): void {
  if (holdsCardNumber(body) || (rawBody !== undefined && containsCardNumber(rawBody))) {
    throw new CheckoutException(
      CheckoutErrorCode.CardNumberSubmitted,
      "Card numbers are never accepted. Collect card details with your payment gateway's " +
        'hosted card form and send the single-use token it issues as payment.cardToken.',
    );
  }
}

export function parseOrderRequest(
  schema: PlaceOrderRequestSchema,
  body: unknown,
): PlaceOrderRequest {
  const result = (schema as z.ZodType<PlaceOrderRequest>).safeParse(body);
  if (result.success) return result.data;
  const fields = describeProblems(schema, result.error.issues);
  throw new CheckoutException(
    CheckoutErrorCode.InvalidRequest,
    `The order has ${fields.length === 1 ? 'an invalid field' : `${fields.length} invalid fields`}; each is named in fields with what it expects`,
    fields,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? undefined : header;
  if (value === undefined || !IDEMPOTENCY_KEY.test(value)) {
    throw new CheckoutException(CheckoutErrorCode.InvalidRequest, 'Bad Idempotency-Key header', [
      {
        field: 'Idempotency-Key',
        expected: 'one header of 1-255 visible ASCII characters, e.g. a UUID',
      },
    ]);
  }
  // A UUID is an identifier: its all-digit groups joined by dashes can pass Luhn (about one
  // key in 150 here), and refusing such a key would turn a correct retry into a 422.
  if (!UUID.test(value) && containsCardNumber(value)) refuseCardNumbers(value, undefined);
  return value;
}
