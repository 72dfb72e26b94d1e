import { Module } from '@nestjs/common';
import { CarrierClient, CarrierMessageVerifier, InMemoryCarrierReplayCache } from '#lumen/carrier';
import { KeyServiceClient, loadEventSigner } from '#lumen/crypto';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../config/fulfilment.config';
import { KeyDestroyedConsumer } from './api/key-destroyed.consumer';
import { OrderPlacedConsumer } from './api/order-placed.consumer';
import { PaymentConfirmedConsumer } from './api/payment-confirmed.consumer';
import { PaymentFailedConsumer } from './api/payment-failed.consumer';
import {
  TRACKING_CALLBACK_VERIFIER,
  TrackingCallbacksController,
} from './api/tracking-callbacks.controller';
import { ApplyTrackingEvent } from './application/apply-tracking-event.use-case';
import { CarrierGateway } from './application/carrier.gateway';
import { DeliveryAddressOpener } from './application/delivery-address.opener';
import { ExpireUnpaidAddresses } from './application/expire-unpaid-addresses.use-case';
import { ForgetDestroyedKey } from './application/forget-destroyed-key.use-case';
import { HandOverShipment } from './application/hand-over-shipment.use-case';
import { OrderIntakeRepository } from './application/order-intake.repository';
import { RecordOrderPlaced } from './application/record-order-placed.use-case';
import { RecordPaymentConfirmed } from './application/record-payment-confirmed.use-case';
import { RecordPaymentFailed } from './application/record-payment-failed.use-case';
import { ReconcileTracking } from './application/reconcile-tracking.use-case';
import { ShipmentEvents } from './application/shipment-events';
import { ShipmentRepository } from './application/shipment.repository';
import { StartShipment } from './application/start-shipment.use-case';
import { TrackingLog } from './application/tracking-log';
import { TrackingProgress } from './application/tracking-progress';
import { CarrierWireKeys } from './infrastructure/carrier-wire.keys';
import { KeyServiceDeliveryAddressOpener } from './infrastructure/key-service-delivery-address.opener';
import { PostgresHandoverWorker } from './infrastructure/postgres-handover.worker';
import { SignedHttpCarrierAdapter } from './infrastructure/signed-http-carrier.adapter';
import { TypeOrmOrderIntakeRepository } from './infrastructure/type-orm-order-intake.repository';
import { TypeOrmShipmentRepository } from './infrastructure/type-orm-shipment.repository';
import { TypeOrmTrackingLog } from './infrastructure/type-orm-tracking.log';
import { MeasuredCarrierGateway } from '../metrics/measured-carrier.gateway';

/** Longer than the two ±300 s freshness windows a message id could be replayed in. */
const REPLAY_TTL_MS = 660_000;

@Module({
  controllers: [TrackingCallbacksController],
  providers: [
    {
      provide: CarrierWireKeys,
      inject: [FULFILMENT_CONFIG],
      useFactory: (config: FulfilmentConfig) => CarrierWireKeys.load(config.carrier),
    },
    {
      provide: CarrierClient,
      inject: [FULFILMENT_CONFIG, CarrierWireKeys],
      useFactory: (config: FulfilmentConfig, keys: CarrierWireKeys) =>
        new CarrierClient({
          baseUrl: config.carrier.url,
          signer: () => keys.merchantSigner,
          verifier: new CarrierMessageVerifier({
            keyRing: keys.carrierKeys,
            signer: 'carrier',
            replayCache: new InMemoryCarrierReplayCache({ ttlMs: REPLAY_TTL_MS }),
          }),
          timeoutMs: config.carrier.timeoutMs,
          retry: { attempts: config.carrier.attempts, baseDelayMs: 200, maxDelayMs: 2_000 },
        }),
    },
    {
      provide: TRACKING_CALLBACK_VERIFIER,
      inject: [CarrierWireKeys],
      useFactory: (keys: CarrierWireKeys) =>
        new CarrierMessageVerifier({
          keyRing: keys.carrierKeys,
          signer: 'carrier',
          replayCache: new InMemoryCarrierReplayCache({
            ttlMs: REPLAY_TTL_MS,
            maxEntries: 200_000,
          }),
        }),
    },
    {
      provide: KeyServiceClient,
      inject: [FULFILMENT_CONFIG],
      useFactory: (config: FulfilmentConfig) =>
        new KeyServiceClient({
          baseUrl: config.keyServiceUrl,
          signer: loadEventSigner(config.keysDir, 'fulfilment'),
        }),
    },
    { provide: ShipmentRepository, useClass: TypeOrmShipmentRepository },
    { provide: OrderIntakeRepository, useClass: TypeOrmOrderIntakeRepository },
    { provide: TrackingLog, useClass: TypeOrmTrackingLog },
    SignedHttpCarrierAdapter,
    {
      provide: CarrierGateway,
      inject: [SignedHttpCarrierAdapter],
      useFactory: (carrier: SignedHttpCarrierAdapter) => new MeasuredCarrierGateway(carrier),
    },
    { provide: DeliveryAddressOpener, useClass: KeyServiceDeliveryAddressOpener },
    ShipmentEvents,
    StartShipment,
    RecordOrderPlaced,
    RecordPaymentConfirmed,
    RecordPaymentFailed,
    ForgetDestroyedKey,
    ExpireUnpaidAddresses,
    HandOverShipment,
    TrackingProgress,
    ApplyTrackingEvent,
    ReconcileTracking,
    OrderPlacedConsumer,
    PaymentConfirmedConsumer,
    PaymentFailedConsumer,
    KeyDestroyedConsumer,
    PostgresHandoverWorker,
  ],
  // The customer's rights (subject-rights/) read and cancel shipments through the same parts.
  exports: [KeyServiceClient, DeliveryAddressOpener, ShipmentRepository, ShipmentEvents],
})
export class ShipmentsModule {}
