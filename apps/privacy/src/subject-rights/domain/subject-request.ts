import type { SubjectRightsResponder } from '#lumen/contracts';

export const SUBJECT_REQUEST_KINDS = ['access', 'erasure'] as const;
export type SubjectRequestKind = (typeof SUBJECT_REQUEST_KINDS)[number];

/**
 * - `awaiting-identity`: a code was (or, when nothing matched, seemed to be) sent; the due
 *   date's clock is paused.
 * - `identity-refused`: the attempts ran out; the requester starts again.
 * - `gathering`: access, identity proven, the services are answering.
 * - `erasing`: erasure, identity proven, keys destroyed or being destroyed, services erasing.
 * - `completed`: the package or the receipt is ready.
 */
export const SUBJECT_REQUEST_STATUSES = [
  'awaiting-identity',
  'identity-refused',
  'gathering',
  'erasing',
  'completed',
] as const;
export type SubjectRequestStatus = (typeof SUBJECT_REQUEST_STATUSES)[number];

export interface DestroyedKey {
  readonly keyId: string;
  readonly purpose: string;
  readonly subject: string;
  readonly destroyedAt: string;
}

export interface SubjectRequest {
  readonly requestId: string;
  readonly kind: SubjectRequestKind;
  readonly customerId: string;
  readonly receivedAt: Date;
  readonly status: SubjectRequestStatus;
  readonly codeHash: Buffer | null;
  readonly codeExpiresAt: Date;
  readonly codeAttempts: number;
  readonly identityVerifiedAt: Date | null;
  /** `YYYY-MM-DD`, London calendar. */
  readonly dueOn: string;
  readonly answerBy: Date | null;
  readonly chaseCount: number;
  readonly missingServices: readonly SubjectRightsResponder[];
  readonly completedAt: Date | null;
  readonly linkTokenHash: Buffer | null;
  readonly linkExpiresAt: Date | null;
  readonly keysDestroyed: readonly DestroyedKey[] | null;
  /** Erasure: kept copies of mail deleted, recorded before the keys go; null until then. */
  readonly mailErased: number | null;
}

/** The identity check: 6 digits, short-lived, few attempts (docs/adr/0006). */
export const IDENTITY_CHECK = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 5,
  /**
   * Codes sent to one customer per hour at most, whoever asks: a stranger who knows a customer
   * id cannot flood the customer's mailbox, nor collect many 5-guess chances at a code.
   */
  maxCodesPerCustomerPerHour: 3,
} as const;

/** How often an unanswered access request is re-published before it is only flagged. */
export const MAX_CHASES = 3;
