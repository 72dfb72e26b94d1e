import { Module } from '@nestjs/common';
import { CheckoutRetention } from './application/checkout-retention';

/** Checkout's share of deploy/retention-schedule.json, run daily. */
@Module({ providers: [CheckoutRetention], exports: [CheckoutRetention] })
export class RetentionModule {}
