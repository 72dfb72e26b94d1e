import { Injectable, Logger } from '@nestjs/common';
import {
  KeyServiceClient,
  KeyServiceError,
  seal,
  type CreatedKey,
  type CreateKeyRequest,
  type DataKey,
} from '#lumen/crypto';
import { CheckoutErrorCode, CheckoutException } from '../domain/checkout.exception';
import { eventSealContexts, storedSealContext } from '../domain/seal-contexts';
import {
  OrderSealer,
  type OrderPersonalData,
  type SealedOrderData,
} from '../application/order-sealer';

const CONTACT_READERS = ['checkout', 'privacy'];
const ADDRESS_READERS = ['checkout', 'fulfilment', 'privacy'];
const CARD_TOKEN_READERS = ['payment'];

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
    // One call for all three (one signed request, one transaction in the key service): all or
    // none, so a refusal leaves no card-token key behind.
    const [contactKey, addressKey, cardKey] = await this.createKeys([
      { subject: customerSubject, purpose: 'customer-contact', allowedServices: CONTACT_READERS },
      { subject: customerSubject, purpose: 'delivery-address', allowedServices: ADDRESS_READERS },
      { subject: `order:${orderId}`, purpose: 'card-token', allowedServices: CARD_TOKEN_READERS },
    ]);

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

  private async createKeys(
    requests: readonly CreateKeyRequest[],
  ): Promise<[DataKey, DataKey, DataKey]> {
    let created: CreatedKey[];
    try {
      created = await this.keys.createKeys(requests);
    } catch (error) {
      if (!(error instanceof KeyServiceError)) throw error;
      // The key service is down or refuses us (a configuration problem): no order without keys.
      this.logger.error('key service refused the data keys; orders cannot be accepted', {
        purposes: requests.map((request) => request.purpose),
        code: error.code,
        status: error.status,
      });
      throw new CheckoutException(
        CheckoutErrorCode.KeyServiceUnavailable,
        'Orders cannot be accepted right now; try again shortly',
      );
    }
    const [contact, address, card] = created;
    // createKeys answers every key asked for, in order, or throws.
    if (contact === undefined || address === undefined || card === undefined) {
      throw new Error('the key service answered fewer keys than asked for');
    }
    return [contact.key, address.key, card.key];
  }
}
