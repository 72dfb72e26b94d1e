import type { PinnedRoot } from './gateway-root';
import { checkRevocationList, type RevocationList, type RevokedEntry } from './revocation-list';

/** What a verifier knows about revocations right now. */
export interface RevocationView {
  /** When the gateway issued the list this view comes from (epoch ms). */
  readonly issuedAt: number;
  revocationOf(serial: string, keyId: string): RevokedEntry | undefined;
}

/** Where a verifier gets its revocation view: a polled list, or the gateway's own registry. */
export abstract class RevocationSource {
  /** Undefined until a first list has been accepted. */
  abstract current(): RevocationView | undefined;
}

export type RevocationUpdate =
  | { readonly accepted: true }
  | {
      readonly accepted: false;
      readonly reason: 'malformed' | 'untrusted-issuer' | 'bad-signature' | 'older-than-held';
    };

/**
 * Holds the newest verified revocation list. A list that does not verify against the pinned
 * root, or that is older than the one held, is ignored, so nobody can roll a verifier back to
 * a time before a revocation.
 */
export class RevocationListHolder extends RevocationSource {
  private view: RevocationView | undefined;

  constructor(private readonly root: PinnedRoot) {
    super();
  }

  override current(): RevocationView | undefined {
    return this.view;
  }

  update(input: unknown): RevocationUpdate {
    const check = checkRevocationList(this.root, input);
    if (!check.ok) return { accepted: false, reason: check.reason };
    const issuedAt = Date.parse(check.list.issuedAt);
    if (this.view && issuedAt < this.view.issuedAt) {
      return { accepted: false, reason: 'older-than-held' };
    }
    this.view = viewOf(check.list, issuedAt);
    return { accepted: true };
  }
}

function viewOf(list: RevocationList, issuedAt: number): RevocationView {
  const bySerial = new Map(list.revoked.map((entry) => [entry.serial, entry]));
  const byKeyId = new Map(list.revoked.map((entry) => [entry.keyId, entry]));
  return {
    issuedAt,
    // A key is revoked with all its certificates, whichever serial a message presents.
    revocationOf: (serial, keyId) => bySerial.get(serial) ?? byKeyId.get(keyId),
  };
}
