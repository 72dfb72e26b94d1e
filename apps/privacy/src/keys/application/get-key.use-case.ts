import { Injectable } from '@nestjs/common';
import type { DataKey } from '#lumen/crypto';
import { liveWrappedKey, mayUse, type KeyRecord } from '../domain/key-record';
import { KeyServiceErrorCode, KeyServiceException } from '../domain/key-service.exception';
import { KeyAuditLog } from './key-audit.log';
import { KeyRecordRepository } from './key-record.repository';
import { refuse } from './key-refusal';
import { KeyWrapper } from './key-wrapper';

/** Hands a live key to one of its allowed services; every answer is audited. */
@Injectable()
export class GetKey {
  constructor(
    private readonly keys: KeyRecordRepository,
    private readonly audit: KeyAuditLog,
    private readonly wrapper: KeyWrapper,
  ) {}

  async execute(command: {
    readonly caller: string;
    readonly keyId: string;
  }): Promise<{ record: KeyRecord; key: DataKey }> {
    const { caller, keyId } = command;
    const entry = { caller, keyId, action: 'get' as const };
    const record = await this.keys.findById(keyId);
    if (record === undefined) {
      return refuse(this.audit, entry, KeyServiceErrorCode.KeyNotFound, `No key ${keyId}`);
    }
    // Checked before "destroyed", so a caller that never had access learns nothing more.
    if (!mayUse(record, caller)) {
      return refuse(
        this.audit,
        entry,
        KeyServiceErrorCode.CallerNotAllowed,
        `${caller} may not use key ${keyId}`,
      );
    }
    let wrapped: Buffer;
    try {
      wrapped = liveWrappedKey(record);
    } catch (error) {
      if (error instanceof KeyServiceException)
        return refuse(this.audit, entry, error.code, error.message);
      throw error;
    }
    const key = this.wrapper.unwrap(wrapped, record.keyId, record.masterKeyId);
    await this.audit.record({
      ...entry,
      callerVerified: true,
      outcome: 'granted',
      reason: 'fetched',
    });
    return { record, key };
  }
}
