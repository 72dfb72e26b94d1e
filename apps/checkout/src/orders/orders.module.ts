import { Module } from '@nestjs/common';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../config/checkout.config';
import { KeysModule } from '../keys/keys.module';
import { PrivacyPolicyModule } from '../privacy-policy/privacy-policy.module';
import { StorefrontsModule } from '../storefronts/storefronts.module';
import { OrderProgressConsumer } from './api/order-progress.consumer';
import { OrdersController, PLACE_ORDER_SCHEMA } from './api/orders.controller';
import { placeOrderRequestSchema } from './api/place-order.request';
import { CustomerRepository } from './application/customer.repository';
import { Fingerprints } from './application/fingerprints';
import { GetOrderStatus } from './application/get-order-status.use-case';
import { IdempotencyRecordRepository } from './application/idempotency-record.repository';
import { OrderRepository } from './application/order.repository';
import { OrderSealer } from './application/order-sealer';
import { PlaceOrder } from './application/place-order.use-case';
import { RecordOrderProgress } from './application/record-order-progress.use-case';
import { TransitionOrder } from './application/transition-order.use-case';
import { HmacFingerprints } from './infrastructure/hmac-fingerprints';
import { KeyServiceOrderSealer } from './infrastructure/key-service-order.sealer';
import { TypeOrmCustomerRepository } from './infrastructure/type-orm-customer.repository';
import { TypeOrmIdempotencyRecordRepository } from './infrastructure/type-orm-idempotency-record.repository';
import { TypeOrmOrderRepository } from './infrastructure/type-orm-order.repository';

/** Orders: placing them, their state machine and the order-status read model. */
@Module({
  imports: [StorefrontsModule, PrivacyPolicyModule, KeysModule],
  controllers: [OrdersController],
  providers: [
    PlaceOrder,
    GetOrderStatus,
    TransitionOrder,
    RecordOrderProgress,
    OrderProgressConsumer,
    {
      provide: PLACE_ORDER_SCHEMA,
      inject: [CHECKOUT_CONFIG],
      useFactory: (config: CheckoutConfig) => placeOrderRequestSchema(config.paymentGateways),
    },
    { provide: OrderRepository, useClass: TypeOrmOrderRepository },
    { provide: IdempotencyRecordRepository, useClass: TypeOrmIdempotencyRecordRepository },
    { provide: CustomerRepository, useClass: TypeOrmCustomerRepository },
    { provide: OrderSealer, useClass: KeyServiceOrderSealer },
    { provide: Fingerprints, useClass: HmacFingerprints },
  ],
  exports: [TransitionOrder, PLACE_ORDER_SCHEMA],
})
export class OrdersModule {}
