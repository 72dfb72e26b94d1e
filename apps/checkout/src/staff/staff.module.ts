import { Module } from '@nestjs/common';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import {
  HttpPersonalDataAuditLog,
  PersonalDataAuditLog,
  STAFF_ACCESS_OPTIONS,
  StaffAccessGuard,
  type StaffAccessOptions,
} from '#lumen/staff-access';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../config/checkout.config';
import { KeysModule } from '../keys/keys.module';
import { StaffOrdersController } from './api/staff-orders.controller';
import { ReadOrderForStaff } from './application/read-order-for-staff.use-case';
import { StaffOrderReader } from './application/staff-order.reader';
import { TypeOrmStaffOrderReader } from './infrastructure/type-orm-staff-order.reader';

/** Staff access to orders: privacy's staff assertions, purpose rules and audit log. */
@Module({
  imports: [KeysModule],
  controllers: [StaffOrdersController],
  providers: [
    ReadOrderForStaff,
    StaffAccessGuard,
    { provide: StaffOrderReader, useClass: TypeOrmStaffOrderReader },
    {
      // Reads are recorded in privacy's audit log, each report signed with checkout's key.
      provide: PersonalDataAuditLog,
      inject: [CHECKOUT_CONFIG],
      useFactory: (config: CheckoutConfig) =>
        new HttpPersonalDataAuditLog({
          baseUrl: config.keyServiceUrl,
          signer: loadEventSigner(config.keysDir, 'checkout'),
        }),
    },
    {
      provide: STAFF_ACCESS_OPTIONS,
      inject: [CHECKOUT_CONFIG, PersonalDataAuditLog],
      useFactory: (config: CheckoutConfig, audit: PersonalDataAuditLog): StaffAccessOptions => ({
        keyRing: loadKeyRing(config.keysDir),
        audience: 'checkout',
        audit,
      }),
    },
  ],
})
export class StaffModule {}
