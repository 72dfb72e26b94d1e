import { Module } from '@nestjs/common';
import { PaymentRetention } from './application/payment-retention';

/** Payment's share of deploy/retention-schedule.json, run daily. */
@Module({ providers: [PaymentRetention], exports: [PaymentRetention] })
export class RetentionModule {}
