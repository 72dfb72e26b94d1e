import type { EntityManager } from 'typeorm';

export type KeyAction = 'create' | 'get' | 'destroy';

/** One line of the key audit trail. Never key material: ids, services and reasons only. */
export interface KeyAuditEntry {
  /** The calling service; when `callerVerified` is false, only what the request claimed. */
  readonly caller: string;
  readonly callerVerified: boolean;
  readonly keyId: string | null;
  readonly action: KeyAction;
  readonly outcome: 'granted' | 'refused';
  readonly reason: string;
}

export abstract class KeyAuditLog {
  /** Without `tx`, written on its own, so a refusal is kept whatever happens next. */
  abstract record(entry: KeyAuditEntry, tx?: EntityManager): Promise<void>;
  /** Several lines in one statement (a batch's grants), inside the batch's transaction. */
  abstract recordAll(entries: readonly KeyAuditEntry[], tx: EntityManager): Promise<void>;
}
