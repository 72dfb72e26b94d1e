import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentAccess, ORDER_RECORD_ACCESS, StaffAccess, type Access } from '#lumen/staff-access';
import {
  ReadShipmentForStaff,
  type StaffShipmentView,
} from '../application/read-shipment-for-staff.use-case';

/** Staff reads of one order's shipment: purpose-bound, field-limited by role, audited. */
@Controller('staff/shipments')
export class StaffShipmentsController {
  constructor(private readonly readShipment: ReadShipmentForStaff) {}

  @Get(':orderId')
  @StaffAccess(ORDER_RECORD_ACCESS)
  async read(
    @Param('orderId', new ParseUUIDPipe()) orderId: string,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StaffShipmentView> {
    const view = await this.readShipment.execute(orderId, access);
    if (view === undefined) throw new NotFoundException('No such order');
    void reply.header('cache-control', 'no-store');
    return view;
  }
}
