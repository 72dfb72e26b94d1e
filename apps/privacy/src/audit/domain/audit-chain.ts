import { createHash } from 'node:crypto';
import type { PersonalDataRead } from '#lumen/staff-access';

/** One recorded read, as stored: the read, who reported it, when, and its place in the chain. */
export interface AuditEntry extends PersonalDataRead {
  readonly seq: number;
  readonly recordedAt: Date;
  /** The service that reported the read (verified from its request signature). */
  readonly reporter: string;
  readonly prevHash: Buffer;
  readonly entryHash: Buffer;
}

export const GENESIS_HASH = Buffer.alloc(32);

/**
 * Each entry's hash covers every field of the entry and the previous entry's hash, so changing
 * any entry, removing one or reordering them breaks every later link.
 */
export function hashEntry(entry: Omit<AuditEntry, 'entryHash'>): Buffer {
  const canonical = JSON.stringify([
    entry.seq,
    entry.recordedAt.toISOString(),
    entry.reporter,
    entry.principalKind,
    entry.principalId,
    entry.role,
    entry.subject,
    [...entry.fields],
    entry.purpose,
    entry.reference,
    entry.outcome,
    entry.reason,
  ]);
  return createHash('sha256')
    .update(entry.prevHash.toString('hex'))
    .update('\n')
    .update(canonical)
    .digest();
}

export type ChainBreak = 'altered' | 'missing' | 'relinked';

export interface ChainVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The last entry checked; keep it outside the database to detect a cut-off tail later. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly firstBreak: { readonly seq: number; readonly problem: ChainBreak } | null;
}

/** Walks entries in order from any position; `previous` is the hash the first one must link to. */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: Buffer;
  private count = 0;
  private broken: ChainVerification['firstBreak'] = null;

  constructor(start: { seq: number; hash: Buffer } = { seq: 0, hash: GENESIS_HASH }) {
    this.expectedSeq = start.seq + 1;
    this.previousHash = start.hash;
  }

  add(entry: AuditEntry): void {
    this.count += 1;
    if (this.broken === null) {
      if (entry.seq !== this.expectedSeq) {
        this.broken = { seq: this.expectedSeq, problem: 'missing' };
      } else if (!entry.prevHash.equals(this.previousHash)) {
        this.broken = { seq: entry.seq, problem: 'relinked' };
      } else if (!hashEntry(entry).equals(entry.entryHash)) {
        this.broken = { seq: entry.seq, problem: 'altered' };
      }
    }
    this.expectedSeq = entry.seq + 1;
    this.previousHash = entry.entryHash;
  }

  result(): ChainVerification {
    return {
      ok: this.broken === null,
      entries: this.count,
      head:
        this.count === 0
          ? null
          : { seq: this.expectedSeq - 1, hash: this.previousHash.toString('hex') },
      firstBreak: this.broken,
    };
  }
}
