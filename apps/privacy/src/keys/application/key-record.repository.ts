import type { EntityManager } from 'typeorm';
import type { KeyRecord } from '../domain/key-record';

/** Where key records live (the privacy schema). Writes take the caller's transaction. */
export abstract class KeyRecordRepository {
  /** Inserts unless the subject already has a live key for the purpose; true if inserted. */
  abstract insertIfNoLiveKey(tx: EntityManager, record: KeyRecord): Promise<boolean>;
  abstract findLive(
    tx: EntityManager,
    subject: string,
    purpose: string,
  ): Promise<KeyRecord | undefined>;
  /** With `lock`, holds the row until the transaction ends (destroy runs once). */
  abstract findById(
    keyId: string,
    options?: { readonly tx: EntityManager; readonly lock: boolean },
  ): Promise<KeyRecord | undefined>;
  /**
   * Every key (live or destroyed) whose subject is one of `subjects` or starts with one of
   * `subjectPrefixes`: what an erasure destroys.
   */
  abstract findBySubjects(
    subjects: readonly string[],
    subjectPrefixes: readonly string[],
  ): Promise<KeyRecord[]>;
  /** Drops the wrapped key for good and records when and why. */
  abstract markDestroyed(tx: EntityManager, keyId: string, reason: string, at: Date): Promise<void>;
}
