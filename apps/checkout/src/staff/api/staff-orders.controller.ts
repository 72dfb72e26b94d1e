import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentAccess, ORDER_RECORD_ACCESS, StaffAccess, type Access } from '#lumen/staff-access';
import {
  ReadOrderForStaff,
  type StaffOrderView,
} from '../application/read-order-for-staff.use-case';

/** Staff reads of one order: purpose-bound, field-limited by role, audited before answering. */
@Controller('staff/orders')
export class StaffOrdersController {
  constructor(private readonly readOrder: ReadOrderForStaff) {}

  @Get(':orderId')
  @StaffAccess(ORDER_RECORD_ACCESS)
  async read(
    @Param('orderId', new ParseUUIDPipe()) orderId: string,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StaffOrderView> {
    const view = await this.readOrder.execute(orderId, access);
    if (view === undefined) throw new NotFoundException('No such order');
    void reply.header('cache-control', 'no-store');
    return view;
  }
}
