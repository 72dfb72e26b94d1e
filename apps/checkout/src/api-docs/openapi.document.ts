import { z } from 'zod';
import { ORDER_STATUSES } from '../orders/domain/order-status';
import type { PlaceOrderRequestSchema } from '../orders/api/place-order.request';

const placedOrderSchema = z.object({
  orderId: z.uuid(),
  status: z.literal('placed'),
  statusUrl: z.string().describe('GET this path for the order status'),
});

const orderStatusSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string().describe('ISO 4217'),
  totalMinor: z.int().describe('computed by checkout from the items, in minor units'),
  items: z.array(z.object({ sku: z.string(), quantity: z.int(), unitPriceMinor: z.int() })),
  policyVersion: z.string(),
  placedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  history: z.array(
    z.object({
      status: z.enum(ORDER_STATUSES),
      at: z.iso.datetime(),
      reason: z
        .string()
        .optional()
        .describe('why, for failures: e.g. declined, insufficient-funds, delivery-failed'),
    }),
  ),
});

const privacyPolicySchema = z.object({
  version: z.string(),
  publishedAt: z.iso.datetime(),
  sha256: z.string().describe('SHA-256 of text, hex'),
  text: z.string(),
});

const errorSchema = z.object({
  error: z.string().describe('a stable code, e.g. invalid-request, card-number-submitted'),
  message: z.string().describe('what to do about it; never repeats submitted values'),
  fields: z
    .array(z.object({ field: z.string(), expected: z.string() }))
    .optional()
    .describe('each invalid field, e.g. customer.email or items[0].quantity, with what it expects'),
});

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) },
});

const error = (description: string) => ({ description, content: json(errorSchema) });

/** OpenAPI 3.1 for the storefront API, generated from the same zod schemas that validate it. */
export function buildOpenApiDocument(placeOrderSchema: PlaceOrderRequestSchema): object {
  const auth = [{ bearer: [] }, { apiKey: [] }];
  const unauthorized = error('No valid storefront API key');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lumen checkout: the storefront order API',
      version: '1',
      description:
        'Storefronts place orders and read their status. Card numbers are never accepted: send ' +
        "the single-use token your payment gateway's hosted card form issues.",
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The storefront API key' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
    security: auth,
    paths: {
      '/orders': {
        post: {
          summary: 'Place an order',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Same key and body: the original answer, nothing new created. Same key, other body: 409.',
              schema: { type: 'string', minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: { required: true, content: json(placeOrderSchema) },
          responses: {
            '202': {
              description: 'Accepted; payment and fulfilment follow',
              headers: { Location: { schema: { type: 'string' } } },
              content: json(placedOrderSchema),
            },
            '400': error('An invalid or unknown field; each is named in fields'),
            '401': unauthorized,
            '409': error('The Idempotency-Key was used for a different body'),
            '413': error('The body is too large'),
            '422': error('The body holds a card number; send the gateway token instead'),
            '503': error(
              'Orders cannot be accepted right now; retry with the same Idempotency-Key',
            ),
          },
        },
      },
      '/orders/{orderId}': {
        get: {
          summary: "An order's status and history (no personal data)",
          parameters: [
            {
              name: 'orderId',
              in: 'path',
              required: true,
              schema: { type: 'string', format: 'uuid' },
            },
          ],
          responses: {
            '200': { description: 'The order', content: json(orderStatusSchema) },
            '401': unauthorized,
            '404': error('No such order placed by this storefront'),
          },
        },
      },
      '/privacy-policy': {
        get: {
          summary: 'The current privacy policy; orders name its version (public)',
          security: [],
          responses: { '200': { description: 'The policy', content: json(privacyPolicySchema) } },
        },
      },
      '/privacy-policy/{version}': {
        get: {
          summary: 'A published version of the privacy policy (public)',
          security: [],
          parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The policy', content: json(privacyPolicySchema) },
            '404': error('No such version'),
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
    },
  };
}
