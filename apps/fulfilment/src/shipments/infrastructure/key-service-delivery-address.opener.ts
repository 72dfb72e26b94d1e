import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { EnvelopeError, KeyServiceClient, KeyServiceError } from '#lumen/crypto';
import { DeliveryAddressOpener, type OpenedAddress } from '../application/delivery-address.opener';

/**
 * The address as checkout seals it into `checkout.order.placed.v1` (JSON). Only the fields the
 * carrier allow-list names are read; the carrier payload builder refuses anything else.
 */
const deliveryAddressSchema = z.object({
  recipientName: z.string(),
  lines: z.array(z.string()),
  city: z.string(),
  // Checkout omits an absent one; a null is read the same way.
  region: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  postcode: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  country: z.string(),
});

/**
 * Opens the delivery address with the customer's `delivery-address` key from the key service,
 * bound to the seal context of the order-placed contract (`delivery.address`,
 * `customer:<id>`): a value moved from another field or customer does not open.
 */
@Injectable()
export class KeyServiceDeliveryAddressOpener extends DeliveryAddressOpener {
  private readonly logger = new Logger(KeyServiceDeliveryAddressOpener.name);

  constructor(private readonly keys: KeyServiceClient) {
    super();
  }

  override async open(input: {
    readonly customerId: string;
    readonly sealedAddress: string;
  }): Promise<OpenedAddress> {
    let text: string;
    try {
      text = await this.keys.open(input.sealedAddress, {
        field: 'delivery.address',
        subject: `customer:${input.customerId}`,
      });
    } catch (error) {
      if (error instanceof KeyServiceError) {
        switch (error.code) {
          case 'destroyed':
          case 'not-found':
            return { ok: false, reason: 'gone' };
          case 'unauthenticated':
          case 'forbidden':
          case 'conflict':
          case 'invalid-request':
            // A configuration problem (keys, grants): loud, and retried until it is fixed.
            this.logger.error('key service refused the delivery-address key', {
              code: error.code,
              status: error.status,
            });
            return { ok: false, reason: 'unavailable', detail: error.code };
          case 'unavailable':
            return { ok: false, reason: 'unavailable', detail: error.code };
        }
      }
      if (error instanceof EnvelopeError) {
        this.logger.error('delivery address does not open', { code: error.code });
        return { ok: false, reason: 'unreadable' };
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'unreadable' };
    }
    const parsed = deliveryAddressSchema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'unreadable' };
    return { ok: true, address: parsed.data };
  }
}
