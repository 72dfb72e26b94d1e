import { Module } from '@nestjs/common';
import { KeyServiceClient, loadEventSigner } from '#lumen/crypto';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config/payment.config';
import { SubjectRightsConsumer } from './api/subject-rights.consumer';
import { AnswerAccessRequest } from './application/answer-access-request.use-case';
import { EraseCustomer } from './application/erase-customer.use-case';
import { FragmentSealer } from './application/fragment-sealer';
import { PaymentCustomerDataRepository } from './application/payment-customer-data.repository';
import { RecordPaymentCustomer } from './application/record-payment-customer.use-case';
import { KeyServiceFragmentSealer } from './infrastructure/key-service-fragment.sealer';
import { TypeOrmPaymentCustomerDataRepository } from './infrastructure/type-orm-payment-customer-data.repository';

/** The customer's rights of access and erasure over their payments. */
@Module({
  providers: [
    {
      // Its own client: payment's other one holds card-token keys, which this never needs.
      provide: KeyServiceClient,
      inject: [PAYMENT_CONFIG],
      useFactory: (c: PaymentConfig) =>
        new KeyServiceClient({
          baseUrl: c.keyServiceUrl,
          signer: loadEventSigner(c.keysDir, 'payment'),
        }),
    },
    AnswerAccessRequest,
    EraseCustomer,
    RecordPaymentCustomer,
    SubjectRightsConsumer,
    { provide: PaymentCustomerDataRepository, useClass: TypeOrmPaymentCustomerDataRepository },
    { provide: FragmentSealer, useClass: KeyServiceFragmentSealer },
  ],
  exports: [RecordPaymentCustomer],
})
export class SubjectRightsModule {}
