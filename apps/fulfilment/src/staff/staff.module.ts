import { Module } from '@nestjs/common';
import { loadEventSigner, loadKeyRing } from '#lumen/crypto';
import {
  HttpPersonalDataAuditLog,
  PersonalDataAuditLog,
  STAFF_ACCESS_OPTIONS,
  StaffAccessGuard,
  type StaffAccessOptions,
} from '#lumen/staff-access';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../config/fulfilment.config';
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
    StaffAccessGuard,
    { provide: StaffShipmentReader, useClass: TypeOrmStaffShipmentReader },
    {
      provide: PersonalDataAuditLog,
      inject: [FULFILMENT_CONFIG],
      useFactory: (config: FulfilmentConfig) =>
        new HttpPersonalDataAuditLog({
          baseUrl: config.keyServiceUrl,
          signer: loadEventSigner(config.keysDir, 'fulfilment'),
        }),
    },
    {
      provide: STAFF_ACCESS_OPTIONS,
      inject: [FULFILMENT_CONFIG, PersonalDataAuditLog],
      useFactory: (config: FulfilmentConfig, audit: PersonalDataAuditLog): StaffAccessOptions => ({
        keyRing: loadKeyRing(config.keysDir),
        audience: 'fulfilment',
        audit,
      }),
    },
  ],
})
export class StaffModule {}
