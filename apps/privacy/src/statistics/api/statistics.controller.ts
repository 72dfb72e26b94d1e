import {
  Body,
  Controller,
  Get,
  HttpCode,
  UseFilters,
  HttpException,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { StaffAccess } from '#lumen/staff-access';
import { parseOrRefuse } from '../../staff/api/parse-or-refuse';
import { StaffExceptionFilter } from '../../staff/api/staff-exception.filter';
import { StaffErrorCode, StaffException } from '../../staff/domain/staff.exception';
import { PAGE_VIEW_DIMENSIONS, type PageViewDimension } from '../application/page-view.statistics';
import { PageViewReport } from '../application/page-view-report.use-case';
import { RecordPageView } from '../application/record-page-view.use-case';
import { networkPrefixOf } from '../domain/network-prefix';
import { NetworkRateLimiter } from '../domain/rate-limiter';

const pageViewSchema = z.strictObject({
  path: z.string().min(1).max(2048).startsWith('/', 'a path on the storefront, starting with /'),
});
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Storefront page views. The ingest is public (a browser beacon cannot hold a secret) and
 * rate-limited per network; the report is for staff and shows aggregates only.
 */
@Controller('statistics')
@UseFilters(StaffExceptionFilter)
export class StatisticsController {
  private readonly limiter = new NetworkRateLimiter(600, 60_000);

  constructor(
    private readonly record: RecordPageView,
    private readonly report: PageViewReport,
  ) {}

  @Post('page-views')
  @HttpCode(202)
  async ingest(@Req() request: FastifyRequest, @Body() body: unknown): Promise<void> {
    // The first thing done with the address is to cut it down; only the prefix goes further.
    const clientAddress = request.ip;
    if (!this.limiter.allow(networkPrefixOf(clientAddress))) {
      throw new HttpException(
        {
          statusCode: 429,
          code: 'rate-limited',
          message: 'Too many page views from this network; slow down',
        },
        429,
      );
    }
    const { path } = parseOrRefuse(pageViewSchema, body);
    const userAgent = request.headers['user-agent'];
    const outcome = await this.record.execute({ path, clientAddress, userAgent });
    if (outcome === 'invalid-path') {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        'path: not a countable storefront path',
      );
    }
  }

  @Get('page-views')
  @StaffAccess({ roles: ['operations', 'privacy-officer', 'support'] })
  async aggregates(
    @Query('groupBy') groupBy = 'day',
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const dimensions = groupBy.split(',').filter((d) => d !== '');
    const unknown = dimensions.filter(
      (d) => !(PAGE_VIEW_DIMENSIONS as readonly string[]).includes(d),
    );
    if (unknown.length > 0) {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        `groupBy: ${unknown.join(', ')} unknown; use any of ${PAGE_VIEW_DIMENSIONS.join(', ')}`,
      );
    }
    const today = new Date().toISOString().slice(0, 10);
    const start = from ?? today;
    const end = to ?? today;
    if (!DAY.test(start) || !DAY.test(end)) {
      throw new StaffException(StaffErrorCode.InvalidRequest, 'from, to: days as YYYY-MM-DD');
    }
    return this.report.execute(dimensions as PageViewDimension[], start, end);
  }
}
