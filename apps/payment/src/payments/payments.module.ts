import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { KeyServiceClient, loadEventSigner } from '#lumen/crypto';
import { GatewayWireClient, pinnedRootFromFile, type PinnedRootFile } from '#lumen/payment-gateway';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config/payment.config';
import { AfterCommit } from './application/after-commit';
import { CardTokenKeyRepository } from './application/card-token-key.repository';
import { CardTokenVault } from './application/card-token-vault';
import { DestroyCardToken } from './application/destroy-card-token.use-case';
import { GatewayRefusalAudit } from './application/gateway-refusal.audit';
import { GatewayRetry } from './application/gateway-retry';
import { PaymentGateway } from './application/payment-gateway.port';
import { PaymentRepository } from './application/payment.repository';
import { RecordGatewayNotification } from './application/record-gateway-notification.use-case';
import { RefundPayment } from './application/refund-payment.use-case';
import { SweepCardTokens } from './application/sweep-card-tokens.use-case';
import { TakePayment } from './application/take-payment.use-case';
import { GatewayNotificationsController } from './api/gateway-notifications.controller';
import { OrderPlacedConsumer } from './api/order-placed.consumer';
import { ShipmentFailedConsumer } from './api/shipment-failed.consumer';
import { CardTokenSweeper } from './infrastructure/card-token-sweeper';
import { GatewayTrust } from './infrastructure/gateway-trust';
import { KeyServiceCardTokenVault } from './infrastructure/key-service-card-token.vault';
import { MerchantCredentials } from './infrastructure/merchant-credentials';
import { SimulatorGatewayAdapter } from './infrastructure/simulator-gateway.adapter';
import { TypeOrmAfterCommit } from './infrastructure/type-orm-after-commit';
import { TypeOrmCardTokenKeyRepository } from './infrastructure/type-orm-card-token-key.repository';
import { TypeOrmGatewayRefusalAudit } from './infrastructure/type-orm-gateway-refusal.audit';
import { TypeOrmPaymentRepository } from './infrastructure/type-orm-payment.repository';
import { MeasuredPaymentGateway } from '../metrics/measured-payment.gateway';
import { SubjectRightsModule } from '../subject-rights/subject-rights.module';

@Module({
  imports: [SubjectRightsModule],
  controllers: [GatewayNotificationsController],
  providers: [
    {
      provide: KeyServiceClient,
      inject: [PAYMENT_CONFIG],
      useFactory: (c: PaymentConfig) =>
        new KeyServiceClient({
          baseUrl: c.keyServiceUrl,
          signer: loadEventSigner(c.keysDir, 'payment'),
          // A card-token key is used once; keep it in memory no longer than a payment takes.
          maxAgeMs: 30_000,
        }),
    },
    {
      provide: GatewayTrust,
      inject: [PAYMENT_CONFIG],
      useFactory: (c: PaymentConfig) =>
        new GatewayTrust({
          root: pinnedRootFromFile(
            JSON.parse(readFileSync(c.gatewayRootFile, 'utf8')) as PinnedRootFile,
          ),
          gatewayUrl: c.gatewayUrl,
          pollMs: c.revocationPollMs,
          maxRevocationAgeMs: c.revocationMaxAgeMs,
        }),
    },
    {
      provide: MerchantCredentials,
      inject: [PAYMENT_CONFIG],
      useFactory: (c: PaymentConfig) => new MerchantCredentials(c.merchantKeyFile),
    },
    {
      provide: GatewayWireClient,
      inject: [PAYMENT_CONFIG, MerchantCredentials, GatewayTrust],
      useFactory: (c: PaymentConfig, credentials: MerchantCredentials, trust: GatewayTrust) =>
        new GatewayWireClient({
          baseUrl: c.gatewayUrl,
          key: () => credentials.current(),
          verifier: trust.answers,
          timeoutMs: c.gatewayTimeoutMs,
        }),
    },
    SimulatorGatewayAdapter,
    {
      provide: PaymentGateway,
      inject: [SimulatorGatewayAdapter],
      useFactory: (gateway: SimulatorGatewayAdapter) => new MeasuredPaymentGateway(gateway),
    },
    { provide: CardTokenVault, useClass: KeyServiceCardTokenVault },
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: CardTokenKeyRepository, useClass: TypeOrmCardTokenKeyRepository },
    { provide: GatewayRefusalAudit, useClass: TypeOrmGatewayRefusalAudit },
    { provide: AfterCommit, useClass: TypeOrmAfterCommit },
    GatewayRetry,
    TakePayment,
    RefundPayment,
    DestroyCardToken,
    SweepCardTokens,
    RecordGatewayNotification,
    OrderPlacedConsumer,
    ShipmentFailedConsumer,
    CardTokenSweeper,
  ],
})
export class PaymentsModule {}
