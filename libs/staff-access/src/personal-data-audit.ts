import type { EventSigner } from '#lumen/crypto';
import { signServiceRequest } from '#lumen/crypto';
import type { Purpose, StaffRole } from './access-policy';

/**
 * One read of personal data, as the reading service reports it to privacy's audit log. The
 * subject is a pseudonymous id (`order:<id>`, `customer:<id>`), never a name or address, and
 * `fields` names fields, never values.
 */
export interface PersonalDataRead {
  readonly principalKind: 'staff' | 'service';
  /** A staff principal's opaque id, or the calling service's name. */
  readonly principalId: string;
  readonly role: StaffRole | null;
  readonly subject: string;
  readonly fields: readonly string[];
  readonly purpose: Purpose | null;
  readonly reference: string | null;
  readonly outcome: 'granted' | 'refused';
  /** Why a read was refused (`purpose-not-allowed`, …); null when granted. */
  readonly reason: string | null;
}

/** Where reads are recorded. A read whose record fails must not return data (fail closed). */
export abstract class PersonalDataAuditLog {
  abstract record(read: PersonalDataRead): Promise<void>;
}

export class AuditUnavailableError extends Error {
  constructor(cause: string) {
    super(`The audit log did not record the read (${cause}); no data is returned`);
    this.name = 'AuditUnavailableError';
  }
}

export const AUDIT_ENTRIES_PATH = '/audit/entries';

/**
 * Records reads in privacy's audit log over HTTP, each request signed with the reading
 * service's key; privacy stamps the time and the reporting service from the signature.
 */
export class HttpPersonalDataAuditLog extends PersonalDataAuditLog {
  constructor(
    private readonly options: {
      readonly baseUrl: string;
      readonly signer: EventSigner;
      readonly timeoutMs?: number;
    },
  ) {
    super();
  }

  override async record(read: PersonalDataRead): Promise<void> {
    const body = JSON.stringify({ ...read, fields: [...read.fields] });
    const headers = signServiceRequest(this.options.signer, {
      method: 'POST',
      path: AUDIT_ENTRIES_PATH,
      body,
    });
    let response: Response;
    try {
      response = await fetch(new URL(AUDIT_ENTRIES_PATH, this.options.baseUrl), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new AuditUnavailableError(error instanceof Error ? error.name : 'network error');
    }
    if (response.status !== 201) {
      await response.body?.cancel();
      throw new AuditUnavailableError(`privacy answered ${response.status}`);
    }
    await response.body?.cancel();
  }
}
