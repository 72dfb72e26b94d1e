import { Module } from '@nestjs/common';
import { staffAccessProviders } from '#lumen/staff-access';
import { FULFILMENT_CONFIG } from '../config/fulfilment.config';
import { ShipmentsModule } from '../shipments/shipments.module';
import { StaffShipmentsController } from './api/staff-shipments.controller';
import {
  ReadShipmentForStaff,
  StaffShipmentReader,
} from './application/read-shipment-for-staff.use-case';
import { TypeOrmStaffShipmentReader } from './infrastructure/type-orm-staff-shipment.reader';

/** Staff access to shipments: privacy's staff assertions, purpose rules and audit log. */
@Module({
  imports: [ShipmentsModule],
  controllers: [StaffShipmentsController],
  providers: [
    ReadShipmentForStaff,
    { provide: StaffShipmentReader, useClass: TypeOrmStaffShipmentReader },
    // Reads are recorded in privacy's audit log, each report signed with fulfilment's key.
    ...staffAccessProviders(FULFILMENT_CONFIG, 'fulfilment'),
  ],
})
export class StaffModule {}
