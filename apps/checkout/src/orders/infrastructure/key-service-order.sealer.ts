import { Injectable, Logger } from '@nestjs/common';
import { KeyServiceClient, KeyServiceError, seal, type DataKey } from '#lumen/crypto';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import { eventSealContexts, storedSealContext } from '../domain/seal-contexts';
import {
  OrderSealer,
  type OrderPersonalData,
  type SealedOrderData,
} from '../application/order-sealer';

/**
 * Seals with keys from the key service (apps/privacy):
 * - the customer's `customer-contact` key (checkout, privacy): name, e-mail, phone;
 * - the customer's `delivery-address` key (checkout, fulfilment, privacy): the address as JSON;
 * - the order's own `card-token` key, which only payment may fetch: checkout holds it only in
 *   the answer that created it, seals the token, and forgets it.
 */
@Injectable()
export class KeyServiceOrderSealer extends OrderSealer {
  private readonly logger = new Logger(KeyServiceOrderSealer.name);

  constructor(private readonly keys: KeyServiceClient) {
    super();
  }

  async seal(
    orderId: string,
    customerId: string,
    data: OrderPersonalData,
  ): Promise<SealedOrderData> {
    const customerSubject = `customer:${customerId}`;
    const [contactKey, addressKey] = await Promise.all([
      this.createKey(customerSubject, 'customer-contact', ['checkout', 'privacy']),
      this.createKey(customerSubject, 'delivery-address', ['checkout', 'fulfilment', 'privacy']),
    ]);
    // Last, so a failure above leaves no card-token key behind.
    const cardKey = await this.createKey(`order:${orderId}`, 'card-token', ['payment']);

    const { name, email, phone } = data.customer;
    const address = JSON.stringify({
      recipientName: data.deliveryAddress.recipientName,
      lines: data.deliveryAddress.lines,
      city: data.deliveryAddress.city,
      region: data.deliveryAddress.region,
      postcode: data.deliveryAddress.postcode,
      country: data.deliveryAddress.country,
    });
    const stored = (value: string, key: DataKey, column: Parameters<typeof storedSealContext>[0]) =>
      seal(value, key, storedSealContext(column, customerId, orderId));
    return {
      stored: {
        customerName: stored(name, contactKey, 'customer_name'),
        customerEmail: stored(email, contactKey, 'customer_email'),
        customerPhone: stored(phone, contactKey, 'customer_phone'),
        deliveryAddress: stored(address, addressKey, 'delivery_address'),
      },
      event: {
        customer: {
          name: seal(name, contactKey, eventSealContexts.customer('name', customerId)),
          email: seal(email, contactKey, eventSealContexts.customer('email', customerId)),
          phone: seal(phone, contactKey, eventSealContexts.customer('phone', customerId)),
        },
        deliveryAddress: seal(address, addressKey, eventSealContexts.deliveryAddress(customerId)),
        cardToken: seal(data.cardToken, cardKey, eventSealContexts.cardToken(orderId)),
      },
      cardTokenKeyId: cardKey.keyId,
    };
  }

  async discardCardTokenKey(keyId: string): Promise<void> {
    await this.keys.destroyKey(keyId, 'order not committed');
  }

  private async createKey(
    subject: string,
    purpose: string,
    allowedServices: readonly string[],
  ): Promise<DataKey> {
    try {
      return (await this.keys.createKey({ subject, purpose, allowedServices })).key;
    } catch (error) {
      if (!(error instanceof KeyServiceError)) throw error;
      // The key service is down or refuses us (a configuration problem): no order without keys.
      this.logger.error('key service refused a data key; orders cannot be accepted', {
        purpose,
        code: error.code,
        status: error.status,
      });
      throw new CheckoutException(
        CheckoutErrorCode.KeyServiceUnavailable,
        'Orders cannot be accepted right now; try again shortly',
      );
    }
  }
}
