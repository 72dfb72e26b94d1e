import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  UseFilters,
} from '@nestjs/common';
import { z } from 'zod';
import { CurrentAccess, isReference, StaffAccess, type Access } from '#lumen/staff-access';
import { AuditUnavailableFilter } from '../../audit/api/audit-unavailable.filter';
import { parseOrRefuse } from '../../staff/api/parse-or-refuse';
import { StaffExceptionFilter } from '../../staff/api/staff-exception.filter';
import { StaffErrorCode, StaffException } from '../../staff/domain/staff.exception';
import { Disclosures } from '../application/disclosures.use-cases';
import { DISCLOSABLE_FIELDS, type Disclosure } from '../domain/disclosure';

const restrictionSchema = z.strictObject({
  until: z.iso.date('a review date, YYYY-MM-DD'),
  reason: z.string().min(3).max(300),
});
const recordSchema = z.strictObject({
  subject: z.string().regex(/^order:[0-9a-f-]{36}$/, 'order:<uuid>'),
  requestingBody: z.string().min(2).max(200),
  legalBasis: z.string().min(3).max(300),
  scope: z.array(z.enum(DISCLOSABLE_FIELDS)).min(1),
  reference: z.string().refine(isReference, '<kind>:<id>, e.g. disclosure:REQ-2026-17'),
  restriction: restrictionSchema.optional(),
});

function view(d: Disclosure) {
  return {
    disclosureId: d.disclosureId,
    subject: d.subject,
    requestingBody: d.requestingBody,
    legalBasis: d.legalBasis,
    scope: d.scope,
    reference: d.reference,
    requestedBy: d.requestedBy,
    requestedAt: d.requestedAt.toISOString(),
    approvals: d.approvals.map((a) => ({ by: a.by, at: a.at.toISOString() })),
    exportedAt: d.exportedAt?.toISOString() ?? null,
    restriction: d.restriction,
  };
}

function staffId(access: Access): string {
  if (access.principal.kind !== 'staff')
    throw new StaffException(StaffErrorCode.Forbidden, 'Staff only');
  return access.principal.id;
}

/** The disclosure register, for privacy officers. */
@Controller('disclosures')
@UseFilters(StaffExceptionFilter, AuditUnavailableFilter)
export class DisclosuresController {
  constructor(private readonly disclosures: Disclosures) {}

  @Post()
  @HttpCode(201)
  @StaffAccess({ roles: ['privacy-officer'] })
  async record(@Body() body: unknown, @CurrentAccess() access: Access) {
    return view(await this.disclosures.record(parseOrRefuse(recordSchema, body), staffId(access)));
  }

  @Get(':disclosureId')
  @StaffAccess({ roles: ['privacy-officer'] })
  async get(@Param('disclosureId', new ParseUUIDPipe()) id: string) {
    return view(await this.disclosures.get(id));
  }

  @Post(':disclosureId/approvals')
  @HttpCode(201)
  @StaffAccess({ roles: ['privacy-officer'] })
  async approve(
    @Param('disclosureId', new ParseUUIDPipe()) id: string,
    @CurrentAccess() access: Access,
  ) {
    return view(await this.disclosures.approve(id, staffId(access)));
  }

  @Post(':disclosureId/export')
  @HttpCode(200)
  @StaffAccess({ roles: ['privacy-officer'] })
  async export(
    @Param('disclosureId', new ParseUUIDPipe()) id: string,
    @CurrentAccess() access: Access,
  ) {
    return this.disclosures.export(id, { id: staffId(access), role: 'privacy-officer' });
  }

  @Post(':disclosureId/restriction')
  @HttpCode(200)
  @StaffAccess({ roles: ['privacy-officer'] })
  async restrict(@Param('disclosureId', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    const restriction =
      body === null || (typeof body === 'object' && Object.keys(body).length === 0)
        ? null
        : parseOrRefuse(restrictionSchema, body);
    return view(await this.disclosures.restrict(id, restriction));
  }

  /** The disclosures section of a subject access package (restricted ones held back). */
  @Get('subjects/:subject/access-package')
  @StaffAccess({ roles: ['privacy-officer'], services: ['privacy'] })
  async accessPackage(@Param('subject') subject: string) {
    return { subject, disclosures: await this.disclosures.forAccessPackage(subject) };
  }
}
