import { Body, Controller, Get, HttpCode, UseFilters, Param, Post, Query } from '@nestjs/common';
import {
  CurrentAccess,
  PersonalDataAuditLog,
  recordGrantedRead,
  StaffAccess,
  type Access,
} from '#lumen/staff-access';
import { parseOrRefuse } from '../../staff/api/parse-or-refuse';
import { StaffExceptionFilter } from '../../staff/api/staff-exception.filter';
import { AuditLog } from '../application/audit-log';
import { VerifyAuditLog } from '../application/verify-audit-log.use-case';
import type { AuditEntry } from '../domain/audit-chain';
import { auditEntryRequestSchema } from './audit-entry.request';

/** The services whose staff endpoints read personal data and report each read here. */
const REPORTING_SERVICES = ['checkout', 'payment', 'fulfilment', 'privacy'];

function publicEntry(entry: AuditEntry) {
  return {
    seq: entry.seq,
    recordedAt: entry.recordedAt.toISOString(),
    reporter: entry.reporter,
    principalKind: entry.principalKind,
    principalId: entry.principalId,
    role: entry.role,
    subject: entry.subject,
    fields: entry.fields,
    purpose: entry.purpose,
    reference: entry.reference,
    outcome: entry.outcome,
    reason: entry.reason,
    entryHash: entry.entryHash.toString('hex'),
  };
}

@Controller('audit')
@UseFilters(StaffExceptionFilter)
export class AuditController {
  constructor(
    private readonly log: AuditLog,
    private readonly verify: VerifyAuditLog,
    private readonly reads: PersonalDataAuditLog,
  ) {}

  /** A service reports a read; the reporter is the verified signer, never a body field. */
  @Post('entries')
  @HttpCode(201)
  @StaffAccess({ services: REPORTING_SERVICES })
  async record(
    @CurrentAccess() access: Access,
    @Body() body: unknown,
  ): Promise<{ seq: number; entryHash: string }> {
    const read = parseOrRefuse(auditEntryRequestSchema, body);
    const entry = await this.log.append({ ...read, purpose: read.purpose }, access.principal.id);
    return { seq: entry.seq, entryHash: entry.entryHash.toString('hex') };
  }

  @Get('verification')
  @StaffAccess({ roles: ['privacy-officer', 'operations'] })
  async verification(@Query('headSeq') headSeq?: string, @Query('headHash') headHash?: string) {
    const head =
      headSeq !== undefined && headHash !== undefined && /^\d{1,15}$/.test(headSeq)
        ? { seq: Number(headSeq), hash: headHash }
        : undefined;
    return this.verify.execute(head);
  }

  /** Who read this subject's data, when and why: the access section of a subject access package. */
  @Get('subjects/:subject/entries')
  @StaffAccess({
    roles: ['privacy-officer'],
    services: ['privacy'],
    personalData: {
      subject: (params) => params['subject'] ?? '',
      purposes: ['subject-access-request', 'legal-disclosure'],
    },
  })
  async entriesAbout(@CurrentAccess() access: Access, @Param('subject') subject: string) {
    const entries = await this.log.entriesAbout(subject);
    await recordGrantedRead(this.reads, access, ['audit.entries']);
    return { subject, entries: entries.map(publicEntry) };
  }
}
