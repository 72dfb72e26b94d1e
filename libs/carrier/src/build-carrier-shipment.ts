import type { z } from 'zod';
import {
  carrierShipmentV1Schema,
  type CarrierShipmentV1,
  type ParcelDetails,
} from './carrier-shipment.schema';
import { carrierIdempotencyKeyOf } from './shipment-reference';

/**
 * The delivery address as fulfilment opens it from `checkout.order.placed.v1` (the shape
 * checkout accepts in `POST /orders`). Typed loosely on purpose: it comes out of a decrypted
 * JSON value, and only what the allow-list names is ever read from it.
 */
export interface DeliveryAddress {
  readonly recipientName: string;
  readonly lines: readonly string[];
  readonly city: string;
  readonly region?: string | undefined;
  readonly postcode?: string | undefined;
  readonly country: string;
}

export interface CarrierShipmentInput {
  readonly address: DeliveryAddress;
  readonly parcel: ParcelDetails;
  readonly shipmentReference: string;
}

/** The payload could not be built: what is wrong, field by field, with no values in it. */
export class CarrierPayloadError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Carrier payload refused: ${problems.join('; ')}`);
    this.name = 'CarrierPayloadError';
  }
}

/** Leaves anything that is not a string as it is, for the schema to refuse by field name. */
function tidy<T>(text: T): T | string {
  return typeof text === 'string' ? text.normalize('NFC').trim().replace(/\s+/gu, ' ') : text;
}

function problemsOf(error: z.ZodError): string[] {
  // Messages name the field and the rule; zod's default messages never quote the input.
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * Builds the carrier payload from the opened delivery address, the parcel and the shipment
 * reference, and validates it against the allow-list before returning it. Fields are picked
 * one by one (never spread), so an extra property on the input cannot reach the carrier even
 * before the strict schema would refuse it. Text is NFC-normalised and its whitespace
 * collapsed, which is how it is printed on a label anyway.
 */
export function buildCarrierShipment(input: CarrierShipmentInput): CarrierShipmentV1 {
  const { address, parcel, shipmentReference } = input;
  const candidate = {
    shipmentReference,
    idempotencyKey: carrierIdempotencyKeyOf(shipmentReference),
    recipientName: tidy(address.recipientName),
    address: {
      lines: Array.isArray(address.lines) ? address.lines.map(tidy) : address.lines,
      city: tidy(address.city),
      ...(address.region === undefined ? {} : { region: tidy(address.region) }),
      ...(address.postcode === undefined ? {} : { postcode: tidy(address.postcode) }),
      country: tidy(address.country),
    },
    parcel: {
      weightGrams: parcel.weightGrams,
      dimensionsMm: {
        length: parcel.dimensionsMm.length,
        width: parcel.dimensionsMm.width,
        height: parcel.dimensionsMm.height,
      },
      itemCount: parcel.itemCount,
    },
  };
  return validateCarrierShipment(candidate);
}

/** Validates a payload against the allow-list; every sender calls this right before sending. */
export function validateCarrierShipment(payload: unknown): CarrierShipmentV1 {
  const result = carrierShipmentV1Schema.safeParse(payload);
  if (!result.success) throw new CarrierPayloadError(problemsOf(result.error));
  return result.data;
}
