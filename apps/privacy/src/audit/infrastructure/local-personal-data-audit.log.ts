import { Injectable } from '@nestjs/common';
import {
  AuditUnavailableError,
  PersonalDataAuditLog,
  type PersonalDataRead,
} from '#lumen/staff-access';
import { AuditLog } from '../application/audit-log';

/** Privacy's own reads go straight into its log; a failed append refuses the read. */
@Injectable()
export class LocalPersonalDataAuditLog extends PersonalDataAuditLog {
  constructor(private readonly log: AuditLog) {
    super();
  }

  override async record(read: PersonalDataRead): Promise<void> {
    try {
      await this.log.append(read, 'privacy');
    } catch (error) {
      throw new AuditUnavailableError(error instanceof Error ? error.message : 'append failed');
    }
  }
}
