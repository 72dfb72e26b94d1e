import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { DeclareStaffAccess } from '#lumen/staff-access';
import { ExportRequestRegister } from '../application/export-request-register.use-case';
import { InternalAccessGuard } from './internal-access.guard';

/** The privacy officer's register of requests, as CSV. */
@Controller('privacy/internal')
@UseGuards(InternalAccessGuard)
export class RequestRegisterController {
  constructor(private readonly exportRegister: ExportRequestRegister) {}

  @Get('requests.csv')
  @DeclareStaffAccess({ roles: ['privacy-officer'] })
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="subject-requests.csv"')
  @Header('cache-control', 'no-store')
  register(): Promise<string> {
    return this.exportRegister.execute();
  }
}
