import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { SubjectRightsConsumer } from './api/subject-rights.consumer';
import { AnswerAccessRequest } from './application/answer-access-request.use-case';
import { CustomerDataRepository } from './application/customer-data.repository';
import { EraseCustomer } from './application/erase-customer.use-case';
import { SubjectAccessKeys } from './application/subject-access-keys';
import { KeyServiceSubjectAccessKeys } from './infrastructure/key-service-subject-access.keys';
import { TypeOrmCustomerDataRepository } from './infrastructure/type-orm-customer-data.repository';

/** The customer's rights of access and erasure, as the privacy service asks for them. */
@Module({
  imports: [KeysModule],
  providers: [
    AnswerAccessRequest,
    EraseCustomer,
    SubjectRightsConsumer,
    { provide: CustomerDataRepository, useClass: TypeOrmCustomerDataRepository },
    { provide: SubjectAccessKeys, useClass: KeyServiceSubjectAccessKeys },
  ],
})
export class SubjectRightsModule {}
