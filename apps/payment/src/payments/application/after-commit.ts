import type { EntityManager } from 'typeorm';

/** Runs work once the caller's transaction has committed (never if it rolls back). */
export abstract class AfterCommit {
  abstract run(tx: EntityManager, work: () => Promise<void>): void;
}
