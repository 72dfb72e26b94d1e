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
const DAY_MESSAGE = 'a calendar day as YYYY-MM-DD, e.g. 2026-11-25';

/**
 * The report's query string. A repeated parameter arrives as an array (`?groupBy=day&groupBy=path`)
 * and is read as the comma list it stands for; days are real calendar dates, so 2026-02-30 is a
 * 400 here rather than a PostgreSQL error.
 */
const reportQuerySchema = z.object({
  groupBy: z
    .union([z.string(), z.array(z.string())], {
      error: `a comma-separated list of ${PAGE_VIEW_DIMENSIONS.join(', ')}`,
    })
    .default('day')
    .transform((value) =>
      [value]
        .flat()
        .flatMap((part) => part.split(','))
        .filter((d) => d !== ''),
    )
    .superRefine((dimensions, ctx) => {
      const unknown = dimensions.filter(
        (d) => !(PAGE_VIEW_DIMENSIONS as readonly string[]).includes(d),
      );
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${unknown.join(', ')} unknown; use any of ${PAGE_VIEW_DIMENSIONS.join(', ')}`,
        });
      }
    })
    .transform((dimensions) => dimensions as PageViewDimension[]),
  from: z.iso.date(DAY_MESSAGE).optional(),
  to: z.iso.date(DAY_MESSAGE).optional(),
});

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
  async aggregates(@Query() query: unknown) {
    const { groupBy, from, to } = parseOrRefuse(reportQuerySchema, query);
    const today = new Date().toISOString().slice(0, 10);
    const start = from ?? today;
    const end = to ?? today;
    // Either may be left to default to today (UTC), so the message names the one that was sent.
    if (start > end) {
      throw new StaffException(
        StaffErrorCode.InvalidRequest,
        to === undefined
          ? `from: a day on or before ${end} (to, which defaults to today)`
          : `to: a day on or after ${start} (from${from === undefined ? ', which defaults to today' : ''})`,
      );
    }
    return this.report.execute(groupBy, start, end);
  }
}
