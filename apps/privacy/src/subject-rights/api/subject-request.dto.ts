import { z } from 'zod';
import { SUBJECT_REQUEST_KINDS } from '../domain/subject-request';
import { SubjectRightsErrorCode, SubjectRightsException } from '../domain/subject-rights.exception';

/**
 * The customer names themselves by the customer id, or by any one of their order ids (what a
 * storefront's order confirmation shows), plus the e-mail they ordered with.
 */
export const startRequestBodySchema = z
  .strictObject({
    kind: z.enum(SUBJECT_REQUEST_KINDS),
    customerId: z.string().trim().min(1).max(100).optional(),
    orderId: z.uuid().optional(),
    email: z.email().max(320),
  })
  .refine((body) => (body.customerId === undefined) !== (body.orderId === undefined), {
    message: 'give either customerId or orderId (one of your orders), not both',
    path: ['customerId'],
  });

export const verifyRequestBodySchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/, 'expected the 6 digits from the e-mail'),
});

export const requestIdSchema = z.uuid();
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Parses input or refuses it with a 400 naming the field; nothing is stored for bad input. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys')
        return `${what}: unknown field(s) ${issue.keys.join(', ')}`;
      return `${path === '' ? what : path}: ${issue.message}`;
    })
    .join('; ');
  throw new SubjectRightsException(SubjectRightsErrorCode.InvalidRequest, problems);
}
