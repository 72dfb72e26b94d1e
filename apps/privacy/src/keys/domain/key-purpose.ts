import type { ServiceName } from '#lumen/contracts';
import { KeyServiceErrorCode, KeyServiceException } from './key-service.exception';

export interface KeyPurposeRule {
  /** Services that may ask for a new key of this purpose. */
  readonly creators: readonly ServiceName[];
  /**
   * The most a key of this purpose may ever be shared with. A creator chooses a subset per
   * key; no request can widen it, so "only payment may read the card token" is a rule here,
   * not a promise by checkout. Widening a purpose is a reviewed one-line change.
   */
  readonly permittedServices: readonly ServiceName[];
  /**
   * When set, a key may be shared only with its creator and these services (a subject-access
   * answer: checkout's is for checkout and privacy, never for payment).
   */
  readonly onlyCreatorAnd?: readonly ServiceName[];
}

/** Closed list: a purpose nobody wrote down cannot be used. */
export const KEY_PURPOSES = {
  /** A customer's name, e-mail and phone, sealed by checkout; privacy reads for access requests. */
  'customer-contact': { creators: ['checkout'], permittedServices: ['checkout', 'privacy'] },
  /** One order's single-use gateway card token: only payment ever reads it, then destroys it. */
  'card-token': { creators: ['checkout'], permittedServices: ['payment'] },
  /** One order's delivery address: fulfilment sends it to the carrier. */
  'delivery-address': {
    creators: ['checkout'],
    permittedServices: ['checkout', 'fulfilment', 'privacy'],
  },
  /**
   * A service's sealed answer to one subject access request (subject `request:<requestId>`):
   * each answering service creates its own, shared with privacy alone (allowedServices
   * [<itself>, 'privacy']); the list below is the union over the three answering services.
   */
  'subject-access': {
    creators: ['checkout', 'payment', 'fulfilment'],
    permittedServices: ['checkout', 'payment', 'fulfilment', 'privacy'],
    onlyCreatorAnd: ['privacy'],
  },
  /** An assembled access package at rest (subject `request:<requestId>`): privacy alone. */
  'subject-access-package': { creators: ['privacy'], permittedServices: ['privacy'] },
} as const satisfies Record<string, KeyPurposeRule>;

export type KeyPurpose = keyof typeof KEY_PURPOSES;

export function isKeyPurpose(value: string): value is KeyPurpose {
  return Object.hasOwn(KEY_PURPOSES, value);
}

/** Throws unless `caller` may create a key of `purpose` shared with `allowedServices`. */
export function assertMayCreate(
  purpose: string,
  caller: string,
  allowedServices: readonly string[],
): KeyPurpose {
  if (!isKeyPurpose(purpose)) {
    throw new KeyServiceException(
      KeyServiceErrorCode.UnknownPurpose,
      `Unknown purpose ${purpose}; known: ${Object.keys(KEY_PURPOSES).join(', ')}`,
    );
  }
  const rule: KeyPurposeRule = KEY_PURPOSES[purpose];
  if (!(rule.creators as readonly string[]).includes(caller)) {
    throw new KeyServiceException(
      KeyServiceErrorCode.PurposeNotCreatableByCaller,
      `${caller} may not create ${purpose} keys`,
    );
  }
  const permitted: readonly string[] =
    rule.onlyCreatorAnd === undefined
      ? rule.permittedServices
      : [caller, ...rule.onlyCreatorAnd].filter((s) =>
          (rule.permittedServices as readonly string[]).includes(s),
        );
  const extra = allowedServices.filter((s) => !permitted.includes(s));
  if (extra.length > 0) {
    throw new KeyServiceException(
      KeyServiceErrorCode.ServicesNotPermittedForPurpose,
      `${purpose} keys of ${caller} may be shared only with ${permitted.join(', ')}, not ${extra.join(', ')}`,
    );
  }
  return purpose;
}
