import fc from 'fast-check';
import { signServiceRequest, type EventSigner } from '#lumen/crypto';
import {
  issueStaffAssertion,
  PURPOSE_HEADER,
  PURPOSES,
  REFERENCE_HEADER,
  STAFF_ASSERTION_HEADER,
  STAFF_ROLES,
} from '#lumen/staff-access';
import { hostilePathSegment, hostileString } from './hostile-input';

/** A header value fetch will send (printable ASCII), hostile otherwise. */
export const hostileHeaderValue = (): fc.Arbitrary<string> =>
  hostileString().filter((value) => /^[\t\x20-\x7e]*$/.test(value));

/** One staff read of an order's records, as sent: the path and every header. */
export interface StaffReadCase {
  readonly path: string;
  readonly headers: Record<string, string>;
}

/**
 * Hostile staff reads of one order's records (`GET <prefix>/:orderId` at checkout or
 * fulfilment): ids that are real orders, unknown uuids or hostile text; credentials that are
 * genuine (privacy's key, this service's audience, any role), made out for another service,
 * expired, cut short, hostile text or absent, or a service signature (privacy's, which the rule
 * allows, or another's, which it does not); purpose and reference headers valid, hostile or
 * missing. The assertions are issued per case, so none expires while a run is under way.
 */
export function hostileStaffRead(options: {
  readonly prefix: string;
  readonly audience: string;
  readonly orderIds: readonly string[];
  /** Signs as privacy: the issuer of staff assertions, and a service the rule admits. */
  readonly privacy: EventSigner;
  /** Signs as a service the rule does not admit. */
  readonly stranger: EventSigner;
}): fc.Arbitrary<StaffReadCase> {
  const id = fc.oneof(fc.constantFrom(...options.orderIds), fc.uuid(), hostilePathSegment());
  const assertion = (audience: string, issuedAt: Date) =>
    fc
      .constantFrom(...STAFF_ROLES)
      .map(
        (role) =>
          issueStaffAssertion(
            options.privacy,
            { principalId: 'p-fuzz', role, sessionId: 's-fuzz', audience },
            issuedAt,
          ).token,
      );
  const credential = fc.oneof(
    { weight: 4, arbitrary: assertion(options.audience, new Date()) },
    { weight: 1, arbitrary: assertion('privacy', new Date()) },
    { weight: 1, arbitrary: assertion(options.audience, new Date(Date.now() - 60 * 60_000)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(assertion(options.audience, new Date()), fc.integer({ min: 1, max: 80 }))
        .map(([token, cut]) => token.slice(0, -cut)),
    },
    { weight: 1, arbitrary: hostileHeaderValue() },
  );
  const purpose = fc.option(fc.oneof(fc.constantFrom(...PURPOSES), hostileHeaderValue()));
  const reference = (orderId: string) =>
    fc.option(
      fc.oneof(fc.constant(`order:${orderId}`), fc.constant('ticket:FUZZ-1'), hostileHeaderValue()),
    );
  const optional = (name: string, value: string | null) =>
    value === null ? {} : { [name]: value };

  return id.chain((orderId) => {
    const path = `${options.prefix}/${orderId}`;
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.option(credential, { freq: 6 }), purpose, reference(orderId))
          .map(([token, why, ref]) => ({
            path,
            headers: {
              ...optional(STAFF_ASSERTION_HEADER, token),
              ...optional(PURPOSE_HEADER, why),
              ...optional(REFERENCE_HEADER, ref),
            },
          })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(options.privacy, options.stranger), reference(orderId))
          .map(([signer, ref]) => ({
            path,
            headers: {
              ...signServiceRequest(signer, { method: 'GET', path }),
              ...optional(REFERENCE_HEADER, ref),
            },
          })),
      },
    );
  });
}
