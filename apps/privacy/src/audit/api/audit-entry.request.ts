import { z } from 'zod';
import { isPurpose, isReference, PURPOSES, STAFF_ROLES } from '#lumen/staff-access';

const FIELD_NAME = /^[a-z][A-Za-z0-9.]{0,63}$/;
const SUBJECT = /^[a-z][a-z-]{0,30}:[A-Za-z0-9_-]{1,64}$/;

/** What a service reports of a read: names and ids only; closed, so no value slips in. */
export const auditEntryRequestSchema = z.strictObject({
  principalKind: z.enum(['staff', 'service']),
  principalId: z.string().regex(/^[a-z][A-Za-z0-9_-]{0,63}$/),
  role: z.enum(STAFF_ROLES).nullable(),
  subject: z.string().regex(SUBJECT, 'expected <kind>:<id>, e.g. order:<uuid>'),
  fields: z
    .array(z.string().regex(FIELD_NAME, 'a field name, e.g. deliveryAddress.postcode'))
    .max(50),
  purpose: z
    .string()
    .refine(isPurpose, `one of ${PURPOSES.join(', ')}`)
    .nullable(),
  reference: z.string().refine(isReference, 'expected <kind>:<id>, e.g. order:<uuid>').nullable(),
  outcome: z.enum(['granted', 'refused']),
  reason: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .nullable(),
});
