import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { SubjectRightsConsumer } from './api/subject-rights.consumer';
import { AnswerAccessRequest } from './application/answer-access-request.use-case';
import { EraseCustomer } from './application/erase-customer.use-case';
import { FragmentSealer } from './application/fragment-sealer';
import { FulfilmentCustomerDataRepository } from './application/fulfilment-customer-data.repository';
import { KeyServiceFragmentSealer } from './infrastructure/key-service-fragment.sealer';
import { TypeOrmFulfilmentCustomerDataRepository } from './infrastructure/type-orm-fulfilment-customer-data.repository';

/** The customer's rights of access and erasure over their shipments and addresses. */
@Module({
  imports: [ShipmentsModule],
  providers: [
    AnswerAccessRequest,
    EraseCustomer,
    SubjectRightsConsumer,
    {
      provide: FulfilmentCustomerDataRepository,
      useClass: TypeOrmFulfilmentCustomerDataRepository,
    },
    { provide: FragmentSealer, useClass: KeyServiceFragmentSealer },
  ],
})
export class SubjectRightsModule {}
