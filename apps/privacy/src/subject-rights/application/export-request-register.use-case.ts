import { Injectable } from '@nestjs/common';
import { londonCalendarDate } from '../domain/response-due-date';
import { SubjectRightsRepository } from './subject-rights.repository';

const COLUMNS = [
  'request_id',
  'kind',
  'received_at',
  'status',
  'identity_verified_at',
  'due_on',
  'completed_at',
  'on_time',
  'missing_services',
] as const;

function cell(value: string): string {
  // Quote everything; a leading = + - @ would be a formula to a spreadsheet.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/**
 * The register of requests as CSV for the privacy officer: when each arrived, its status, when
 * it is due and when it was completed. No personal data: not even the customer id.
 */
@Injectable()
export class ExportRequestRegister {
  constructor(private readonly repository: SubjectRightsRepository) {}

  async execute(): Promise<string> {
    const rows = (await this.repository.allRequests()).map((r) => {
      const completedOn = r.completedAt === null ? undefined : londonCalendarDate(r.completedAt);
      const onTime = completedOn === undefined ? '' : completedOn <= r.dueOn ? 'yes' : 'no';
      return [
        r.requestId,
        r.kind,
        r.receivedAt.toISOString(),
        r.status,
        r.identityVerifiedAt?.toISOString() ?? '',
        r.dueOn,
        r.completedAt?.toISOString() ?? '',
        onTime,
        r.missingServices.join(' '),
      ]
        .map(cell)
        .join(',');
    });
    return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
  }
}
