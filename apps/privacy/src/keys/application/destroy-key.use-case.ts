import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { mayDestroy } from '../domain/key-record';
import { KeyServiceErrorCode } from '../domain/key-service.exception';
import { KeyAuditLog } from './key-audit.log';
import { KeyRecordRepository } from './key-record.repository';
import { refuse } from './key-refusal';

export interface DestroyKeyResult {
  readonly keyId: string;
  readonly destroyedAt: Date;
  /** True when an earlier request had destroyed it already (nothing happened this time). */
  readonly alreadyDestroyed: boolean;
}

/**
 * Crypto-shredding: the wrapped key is dropped for good and `privacy.key.destroyed.v1` is
 * written to the outbox in the same transaction, so every service evicts its cached copy.
 * Repeating the request is harmless and publishes nothing more.
 */
@Injectable()
export class DestroyKey {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyRecordRepository,
    private readonly audit: KeyAuditLog,
    private readonly outbox: Outbox<LumenTopics>,
  ) {}

  async execute(command: {
    readonly caller: string;
    readonly keyId: string;
    readonly reason: string;
  }): Promise<DestroyKeyResult> {
    const { caller, keyId, reason } = command;
    const entry = { caller, keyId, action: 'destroy' as const };
    const outcome = await this.dataSource.transaction(async (tx) => {
      const record = await this.keys.findById(keyId, { tx, lock: true });
      if (record === undefined)
        return { kind: 'refused', code: KeyServiceErrorCode.KeyNotFound } as const;
      if (!mayDestroy(record, caller))
        return { kind: 'refused', code: KeyServiceErrorCode.CallerNotAllowed } as const;
      if (record.destroyedAt !== null) {
        await this.audit.record(
          { ...entry, callerVerified: true, outcome: 'granted', reason: 'already destroyed' },
          tx,
        );
        return {
          kind: 'done',
          keyId,
          destroyedAt: record.destroyedAt,
          alreadyDestroyed: true,
        } as const;
      }
      const destroyedAt = new Date();
      await this.keys.markDestroyed(tx, keyId, reason, destroyedAt);
      await this.outbox.add(tx, 'privacy.key.destroyed.v1', keyId, {
        keyId,
        purpose: record.purpose,
        destroyedAt: destroyedAt.toISOString(),
        reason,
      });
      await this.audit.record(
        { ...entry, callerVerified: true, outcome: 'granted', reason: 'destroyed' },
        tx,
      );
      return { kind: 'done', keyId, destroyedAt, alreadyDestroyed: false } as const;
    });
    if (outcome.kind === 'refused') {
      const message =
        outcome.code === KeyServiceErrorCode.KeyNotFound
          ? `No key ${keyId}`
          : `${caller} may not destroy key ${keyId}`;
      return refuse(this.audit, entry, outcome.code, message);
    }
    return { keyId, destroyedAt: outcome.destroyedAt, alreadyDestroyed: outcome.alreadyDestroyed };
  }
}
