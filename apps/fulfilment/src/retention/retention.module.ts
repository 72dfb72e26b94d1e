import { Module } from '@nestjs/common';
import { FulfilmentRetention } from './application/fulfilment-retention';

/** Fulfilment's share of deploy/retention-schedule.json, run daily. */
@Module({ providers: [FulfilmentRetention], exports: [FulfilmentRetention] })
export class RetentionModule {}
