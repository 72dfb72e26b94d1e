import { Inject, Injectable, Logger } from '@nestjs/common';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../../config/fulfilment.config';
import { OrderIntakeRepository } from './order-intake.repository';

/**
 * Storage limitation: the sealed address of an order that was never paid is not kept for ever.
 * After `SEALED_ADDRESS_RETENTION_MS` it is deleted; a confirmation arriving even later starts
 * a shipment that fails with `address-unavailable`, and payment compensates.
 */
@Injectable()
export class ExpireUnpaidAddresses {
  private readonly logger = new Logger(ExpireUnpaidAddresses.name);

  constructor(
    @Inject(FULFILMENT_CONFIG) private readonly config: FulfilmentConfig,
    private readonly intake: OrderIntakeRepository,
  ) {}

  async execute(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.sealedAddressRetentionMs);
    const expired = await this.intake.forgetUnpaidAddresses(before);
    if (expired > 0) this.logger.log('deleted the sealed addresses of unpaid orders', { expired });
    return expired;
  }
}
