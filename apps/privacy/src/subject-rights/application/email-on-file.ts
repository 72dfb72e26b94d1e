import { Injectable } from '@nestjs/common';
import { KeyServiceErrorCode, KeyServiceException } from '../../keys/domain/key-service.exception';
import { PrivacyKeys } from './privacy-keys';
import { SubjectRightsRepository } from './subject-rights.repository';

/** The same context checkout seals it with in `checkout.order.placed.v1`. */
export function emailSealContext(customerId: string): { field: string; subject: string } {
  return { field: 'customer.email', subject: `customer:${customerId}` };
}

/** Opens the customer's e-mail on file; undefined when unknown or already crypto-shredded. */
@Injectable()
export class EmailOnFile {
  constructor(
    private readonly repository: SubjectRightsRepository,
    private readonly keys: PrivacyKeys,
  ) {}

  async of(customerId: string): Promise<{ email: string; orderId: string } | undefined> {
    const customer = await this.repository.findCustomer(customerId);
    if (customer === undefined) return undefined;
    try {
      const email = await this.keys.open(customer.sealedEmail, emailSealContext(customerId));
      return { email, orderId: customer.emailOrderId };
    } catch (error) {
      if (error instanceof KeyServiceException && error.code === KeyServiceErrorCode.KeyDestroyed) {
        return undefined;
      }
      throw error;
    }
  }
}
