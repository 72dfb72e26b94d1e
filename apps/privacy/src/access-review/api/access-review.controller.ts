import { Body, Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import { z } from 'zod';
import { CurrentAccess, StaffAccess, type Access } from '#lumen/staff-access';
import { parseOrRefuse } from '../../staff/api/parse-or-refuse';
import { StaffExceptionFilter } from '../../staff/api/staff-exception.filter';
import { AccessReview } from '../application/access-review.use-cases';

const signOffSchema = z.strictObject({ notes: z.string().min(1).max(2_000) });

@Controller('access-reviews')
@UseFilters(StaffExceptionFilter)
export class AccessReviewController {
  constructor(private readonly review: AccessReview) {}

  @Get('report')
  @StaffAccess({ roles: ['privacy-officer', 'operations'] })
  async report() {
    return this.review.report();
  }

  @Post()
  @HttpCode(201)
  @StaffAccess({ roles: ['privacy-officer'] })
  async signOff(@Body() body: unknown, @CurrentAccess() access: Access) {
    const { notes } = parseOrRefuse(signOffSchema, body);
    const signOff = await this.review.signOff(access.principal.id, notes);
    return { ...signOff, signedOffAt: signOff.signedOffAt.toISOString() };
  }
}
