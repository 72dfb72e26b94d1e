import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule } from '#lumen/metrics';
import { AuthorityStore } from './authority/application/authority-store';
import { EnrolMerchantKey } from './authority/application/enrol-merchant-key.use-case';
import { GatewayAuthority } from './authority/application/gateway-authority';
import { RevokeKey } from './authority/application/revoke-key.use-case';
import { OperatorController } from './authority/api/operator.controller';
import { HostedFormController } from './cards/api/hosted-form.controller';
import { RevocationListController } from './authority/api/revocation-list.controller';
import { FileAuthorityStore } from './authority/infrastructure/file-authority.store';
import type { GatewaySimulatorConfig } from './config/gateway-simulator.config';
import { AuthorisePayment } from './payments/application/authorise-payment.use-case';
import { CapturePayment } from './payments/application/capture-payment.use-case';
import { LookUpAuthorisation } from './payments/application/look-up-authorisation.use-case';
import { NotificationSender } from './payments/application/notification-sender';
import { RefundCapture } from './payments/application/refund-capture.use-case';
import { SimulatorState } from './payments/application/simulator-state';
import { VoidAuthorisation } from './payments/application/void-authorisation.use-case';
import { MerchantApiController } from './payments/api/merchant-api.controller';
import { SignedExchange } from './payments/api/signed-exchange';
import { TestControlsController } from './payments/api/test-controls.controller';
import { HttpNotificationSender } from './payments/infrastructure/http-notification.sender';

@Module({})
export class GatewaySimulatorAppModule {
  static forRoot(config: GatewaySimulatorConfig): DynamicModule {
    return {
      module: GatewaySimulatorAppModule,
      // No dependencies to check: ready whenever live. Process metrics only.
      imports: [MetricsModule.forRoot({ service: 'gateway-simulator', readinessChecks: [] })],
      controllers: [
        MerchantApiController,
        HostedFormController,
        OperatorController,
        RevocationListController,
        TestControlsController,
      ],
      providers: [
        { provide: AuthorityStore, useValue: new FileAuthorityStore(config.dataDir) },
        {
          provide: GatewayAuthority,
          inject: [AuthorityStore],
          useFactory: (store: AuthorityStore) =>
            new GatewayAuthority(store, {
              operatorToken: config.operatorToken,
              answerKeyDays: config.answerKeyDays,
            }),
        },
        SimulatorState,
        { provide: NotificationSender, useClass: HttpNotificationSender },
        SignedExchange,
        EnrolMerchantKey,
        RevokeKey,
        AuthorisePayment,
        CapturePayment,
        VoidAuthorisation,
        RefundCapture,
        LookUpAuthorisation,
      ],
    };
  }
}
