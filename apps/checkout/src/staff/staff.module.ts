import { Module } from '@nestjs/common';
import { staffAccessProviders } from '#lumen/staff-access';
import { CHECKOUT_CONFIG } from '../config/checkout.config';
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
    { provide: StaffOrderReader, useClass: TypeOrmStaffOrderReader },
    // Reads are recorded in privacy's audit log, each report signed with checkout's key.
    ...staffAccessProviders(CHECKOUT_CONFIG, 'checkout'),
  ],
})
export class StaffModule {}
