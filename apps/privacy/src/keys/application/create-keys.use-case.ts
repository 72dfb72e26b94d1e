import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { generateDataKey, type DataKey } from '#lumen/crypto';
import { assertMayCreate } from '../domain/key-purpose';
import { mayUse, sameServices, liveWrappedKey, type KeyRecord } from '../domain/key-record';
import { KeyServiceErrorCode, KeyServiceException } from '../domain/key-service.exception';
import { KeyAuditLog, type KeyAuditEntry } from './key-audit.log';
import { KeyRecordRepository } from './key-record.repository';
import { refuse } from './key-refusal';
import { KeyWrapper } from './key-wrapper';

export interface KeyToCreate {
  readonly subject: string;
  readonly purpose: string;
  readonly allowedServices: readonly string[];
}

export interface CreateKeysCommand {
  readonly caller: string;
  /** Each subject and purpose at most once. */
  readonly keys: readonly KeyToCreate[];
}

export interface CreateKeyResult {
  readonly record: KeyRecord;
  readonly key: DataKey;
  readonly created: boolean;
}

type ItemOutcome =
  | { readonly kind: 'created'; readonly record: KeyRecord; readonly key: DataKey }
  | { readonly kind: 'existing'; readonly record: KeyRecord };

/** Ends a batch's transaction early; everything it wrote is rolled back. */
class BatchAbort extends Error {
  constructor(
    readonly outcome:
      | {
          readonly kind: 'refused';
          readonly index: number;
          readonly code: KeyServiceErrorCode;
          readonly existing: KeyRecord;
        }
      | { readonly kind: 'retry' },
  ) {
    super(outcome.kind);
  }
}

/**
 * Creates each subject's key for a purpose, or returns the live one: one key or several in
 * one transaction, all or none (checkout asks for an order's three keys at once). Every key is
 * checked against the purpose rules and audited exactly as if asked for alone; a refusal of
 * one refuses the whole request and leaves no key behind. The creator receives a key once, on
 * creation, so it can seal (checkout seals the card token for payment); after that only the
 * key's allowed services get it. One live key per subject and purpose is enforced by a unique
 * index, so concurrent first requests agree on one key.
 */
@Injectable()
export class CreateKeys {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyRecordRepository,
    private readonly audit: KeyAuditLog,
    private readonly wrapper: KeyWrapper,
  ) {}

  async execute(command: CreateKeysCommand): Promise<CreateKeyResult[]> {
    const { caller } = command;
    const label = (index: number) =>
      command.keys.length === 1 ? '' : `keys.${index} (${command.keys[index]?.purpose}): `;
    const auditEntry = { caller, keyId: null, action: 'create' as const };
    const items = command.keys.map((item) => ({
      ...item,
      allowedServices: [...new Set(item.allowedServices)].sort(),
    }));
    for (const [index, item] of items.entries()) {
      try {
        assertMayCreate(item.purpose, caller, item.allowedServices);
      } catch (error) {
        if (error instanceof KeyServiceException) {
          return refuse(this.audit, auditEntry, error.code, `${label(index)}${error.message}`);
        }
        throw error;
      }
    }

    // Normally once; again only if a live key was destroyed between our insert and our read.
    for (let attempt = 1; ; attempt += 1) {
      let outcomes: ItemOutcome[];
      try {
        outcomes = await this.attempt(caller, items);
      } catch (error) {
        if (!(error instanceof BatchAbort)) throw error;
        const { outcome } = error;
        if (outcome.kind === 'retry') {
          if (attempt >= 3) {
            const what = items.map((item) => `${item.purpose} of ${item.subject}`).join(', ');
            throw new Error(`No stable key (${what}) after ${attempt} attempts`, { cause: error });
          }
          continue;
        }
        const item = items[outcome.index];
        const message =
          outcome.code === KeyServiceErrorCode.AllowedServicesMismatch
            ? `${item?.subject} already has a ${item?.purpose} key shared with ${outcome.existing.allowedServices.join(', ')}`
            : `${caller} may not use the ${item?.purpose} key of ${item?.subject}`;
        return refuse(
          this.audit,
          { ...auditEntry, keyId: outcome.existing.keyId },
          outcome.code,
          `${label(outcome.index)}${message}`,
        );
      }
      return outcomes.map((outcome) => {
        if (outcome.kind === 'created') {
          return { record: outcome.record, key: outcome.key, created: true };
        }
        const { record } = outcome;
        const key = this.wrapper.unwrap(liveWrappedKey(record), record.keyId, record.masterKeyId);
        return { record, key, created: false };
      });
    }
  }

  private attempt(caller: string, items: readonly KeyToCreate[]): Promise<ItemOutcome[]> {
    return this.dataSource.transaction(async (tx) => {
      const outcomes: ItemOutcome[] = [];
      for (const [index, item] of items.entries()) {
        outcomes.push(await this.createOne(tx, caller, item, index));
      }
      // One audit line per key, as for single requests, written in one statement.
      await this.audit.recordAll(
        outcomes.map((outcome): KeyAuditEntry => ({
          caller,
          callerVerified: true,
          keyId: outcome.record.keyId,
          action: 'create',
          outcome: 'granted',
          reason: outcome.kind,
        })),
        tx,
      );
      return outcomes;
    });
  }

  private async createOne(
    tx: EntityManager,
    caller: string,
    item: KeyToCreate,
    index: number,
  ): Promise<ItemOutcome> {
    const { subject, purpose, allowedServices } = item;
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
    if (await this.keys.insertIfNoLiveKey(tx, candidate)) {
      return { kind: 'created', record: candidate, key: fresh };
    }
    const existing = await this.keys.findLive(tx, subject, purpose);
    if (existing === undefined) throw new BatchAbort({ kind: 'retry' });
    if (!sameServices(existing.allowedServices, allowedServices)) {
      throw new BatchAbort({
        kind: 'refused',
        index,
        code: KeyServiceErrorCode.AllowedServicesMismatch,
        existing,
      });
    }
    if (!mayUse(existing, caller)) {
      throw new BatchAbort({
        kind: 'refused',
        index,
        code: KeyServiceErrorCode.CallerNotAllowed,
        existing,
      });
    }
    return { kind: 'existing', record: existing };
  }
}
