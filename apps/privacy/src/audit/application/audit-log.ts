import type { PersonalDataRead } from '#lumen/staff-access';
import type { AuditEntry } from '../domain/audit-chain';

/** The append-only, hash-chained log of personal-data reads. */
export abstract class AuditLog {
  abstract append(read: PersonalDataRead, reporter: string): Promise<AuditEntry>;
  /** Entries in order, in pages, from after `afterSeq`. */
  abstract page(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Every read about a subject: the access section of a subject access package. */
  abstract entriesAbout(subject: string): Promise<AuditEntry[]>;
  /** When each principal last read personal data (granted reads only). */
  abstract lastReadByPrincipal(): Promise<Map<string, Date>>;
}
