import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generateDataKey, type DataKey } from '#lumen/crypto';
import { assertMayCreate } from '../domain/key-purpose';
import { mayUse, sameServices, liveWrappedKey, type KeyRecord } from '../domain/key-record';
import { KeyServiceErrorCode, KeyServiceException } from '../domain/key-service.exception';
import { KeyAuditLog } from './key-audit.log';
import { KeyRecordRepository } from './key-record.repository';
import { refuse } from './key-refusal';
import { KeyWrapper } from './key-wrapper';

export interface CreateKeyCommand {
  readonly caller: string;
  readonly subject: string;
  readonly purpose: string;
  readonly allowedServices: readonly string[];
}

type Attempt =
  | { readonly kind: 'created'; readonly record: KeyRecord; readonly key: DataKey }
  | { readonly kind: 'existing'; readonly record: KeyRecord }
  | { readonly kind: 'refused'; readonly code: KeyServiceErrorCode; readonly existing: KeyRecord }
  | { readonly kind: 'retry' };

export interface CreateKeyResult {
  readonly record: KeyRecord;
  readonly key: DataKey;
  readonly created: boolean;
}

/**
 * Creates the subject's key for a purpose, or returns the live one. The creator receives the
 * key once, on creation, so it can seal (checkout seals the card token for payment); after
 * that only the key's allowed services get it. One live key per subject and purpose is
 * enforced by a unique index, so concurrent first requests agree on one key.
 */
@Injectable()
export class CreateKey {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyRecordRepository,
    private readonly audit: KeyAuditLog,
    private readonly wrapper: KeyWrapper,
  ) {}

  async execute(command: CreateKeyCommand): Promise<CreateKeyResult> {
    const { caller, subject, purpose } = command;
    const allowedServices = [...new Set(command.allowedServices)].sort();
    const auditEntry = { caller, keyId: null, action: 'create' as const };
    try {
      assertMayCreate(purpose, caller, allowedServices);
    } catch (error) {
      if (error instanceof KeyServiceException) {
        return refuse(this.audit, auditEntry, error.code, error.message);
      }
      throw error;
    }

    // Normally once; again only if the live key was destroyed between our insert and our read.
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(command.caller, subject, purpose, allowedServices);
      if (outcome.kind === 'created')
        return { record: outcome.record, key: outcome.key, created: true };
      if (outcome.kind === 'existing') {
        const { record } = outcome;
        const key = this.wrapper.unwrap(liveWrappedKey(record), record.keyId, record.masterKeyId);
        return { record, key, created: false };
      }
      if (outcome.kind === 'refused') {
        const message =
          outcome.code === KeyServiceErrorCode.AllowedServicesMismatch
            ? `${subject} already has a ${purpose} key shared with ${outcome.existing.allowedServices.join(', ')}`
            : `${caller} may not use the ${purpose} key of ${subject}`;
        return refuse(
          this.audit,
          { ...auditEntry, keyId: outcome.existing.keyId },
          outcome.code,
          message,
        );
      }
      if (attempt >= 3)
        throw new Error(`No stable ${purpose} key for ${subject} after ${attempt} attempts`);
    }
  }

  private attempt(
    caller: string,
    subject: string,
    purpose: string,
    allowedServices: readonly string[],
  ): Promise<Attempt> {
    const fresh = generateDataKey();
    const candidate: KeyRecord = {
      keyId: fresh.keyId,
      subject,
      purpose,
      allowedServices,
      createdBy: caller,
      wrappedKey: this.wrapper.wrap(fresh),
      masterKeyId: this.wrapper.masterKeyId,
      createdAt: new Date(),
      destroyedAt: null,
      destroyReason: null,
    };
    const granted = (keyId: string, reason: string) =>
      ({
        caller,
        callerVerified: true,
        keyId,
        action: 'create',
        outcome: 'granted',
        reason,
      }) as const;
    return this.dataSource.transaction(async (tx): Promise<Attempt> => {
      if (await this.keys.insertIfNoLiveKey(tx, candidate)) {
        await this.audit.record(granted(candidate.keyId, 'created'), tx);
        return { kind: 'created', record: candidate, key: fresh };
      }
      const existing = await this.keys.findLive(tx, subject, purpose);
      if (existing === undefined) return { kind: 'retry' };
      if (!sameServices(existing.allowedServices, allowedServices)) {
        return { kind: 'refused', code: KeyServiceErrorCode.AllowedServicesMismatch, existing };
      }
      if (!mayUse(existing, caller)) {
        return { kind: 'refused', code: KeyServiceErrorCode.CallerNotAllowed, existing };
      }
      await this.audit.record(granted(existing.keyId, 'existing'), tx);
      return { kind: 'existing', record: existing };
    });
  }
}
