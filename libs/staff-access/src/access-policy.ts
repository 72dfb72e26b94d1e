/**
 * Who may read personal data, and why: the company's one access policy, shared by every
 * service so a role means the same thing everywhere. Which fields each role then sees is
 * decided by the service that owns the data (its read model lists them per role).
 */
export const STAFF_ROLES = ['support', 'fulfilment', 'privacy-officer', 'operations'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The fixed list of reasons a person may give for reading a customer's data. */
export const PURPOSES = [
  'order-fulfilment',
  'customer-support',
  'subject-access-request',
  'erasure-request',
  'legal-disclosure',
  'service-monitoring',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * Which purposes each role may state. Operations keep the service running and see no personal
 * data at all, so their one purpose only ever unlocks non-personal fields.
 */
export const ROLE_PURPOSES: Readonly<Record<StaffRole, readonly Purpose[]>> = {
  support: ['customer-support', 'order-fulfilment'],
  fulfilment: ['order-fulfilment'],
  'privacy-officer': ['subject-access-request', 'erasure-request', 'legal-disclosure'],
  operations: ['service-monitoring'],
};

/**
 * The purposes one order's records may be read for, wherever they are kept (checkout's order,
 * fulfilment's shipment): every purpose but an erasure request, which is carried out by the
 * services themselves and needs nobody to read the order first.
 */
export const ORDER_RECORD_PURPOSES: readonly Purpose[] = [
  'order-fulfilment',
  'customer-support',
  'subject-access-request',
  'legal-disclosure',
  'service-monitoring',
];

/** A reference ties a read to the case behind it: `order:<id>`, `ticket:<id>`, … */
export const REFERENCE_KINDS = ['order', 'ticket', 'subject-request', 'disclosure'] as const;
const REFERENCE_PATTERN = new RegExp(`^(${REFERENCE_KINDS.join('|')}):[A-Za-z0-9_-]{1,64}$`);

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && (PURPOSES as readonly string[]).includes(value);
}

export function isReference(value: unknown): value is string {
  return typeof value === 'string' && REFERENCE_PATTERN.test(value);
}

export type PurposeDecision =
  | { readonly ok: true; readonly purpose: Purpose; readonly reference: string }
  | { readonly ok: false; readonly status: 400 | 403; readonly message: string };

/**
 * Checks a stated purpose and reference against the role. A missing or unknown purpose or
 * reference is the caller's mistake (400); a purpose the role may not use is a refusal (403).
 */
export function decidePurpose(
  role: StaffRole,
  purpose: string | undefined,
  reference: string | undefined,
  accepted: readonly Purpose[] = PURPOSES,
): PurposeDecision {
  if (purpose === undefined || purpose === '') {
    return {
      ok: false,
      status: 400,
      message: `State why you read this data: send lumen-purpose, one of ${PURPOSES.join(', ')}`,
    };
  }
  if (!isPurpose(purpose)) {
    return {
      ok: false,
      status: 400,
      message: `lumen-purpose '${purpose.slice(0, 40)}' is not on the list: use one of ${PURPOSES.join(', ')}`,
    };
  }
  if (reference === undefined || !isReference(reference)) {
    return {
      ok: false,
      status: 400,
      message: `Send lumen-reference naming the case: ${REFERENCE_KINDS.map((k) => `${k}:<id>`).join(', ')}`,
    };
  }
  if (!ROLE_PURPOSES[role].includes(purpose) || !accepted.includes(purpose)) {
    return {
      ok: false,
      status: 403,
      message: `The ${role} role may not read this data for '${purpose}'`,
    };
  }
  return { ok: true, purpose, reference };
}
