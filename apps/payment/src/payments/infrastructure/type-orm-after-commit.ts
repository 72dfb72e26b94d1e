import { Injectable, Logger } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AfterCommit } from '../application/after-commit';

/**
 * After-commit work through TypeORM's transaction events: callbacks are keyed by the
 * transaction's query runner, run after COMMIT, dropped on ROLLBACK. Work that is lost in a
 * crash between the two is picked up by the card-token sweeper.
 */
@Injectable()
export class TypeOrmAfterCommit extends AfterCommit {
  private readonly logger = new Logger(TypeOrmAfterCommit.name);
  private readonly pending = new WeakMap<QueryRunner, (() => Promise<void>)[]>();

  constructor(dataSource: DataSource) {
    super();
    dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => {
        if (queryRunner.isTransactionActive) return; // a savepoint, not the outer commit
        const work = this.pending.get(queryRunner) ?? [];
        this.pending.delete(queryRunner);
        for (const item of work) {
          item().catch((error: unknown) => {
            this.logger.warn(
              `after-commit work failed: ${error instanceof Error ? error.message : 'error'}`,
            );
          });
        }
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
      },
    });
  }

  override run(tx: EntityManager, work: () => Promise<void>): void {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('AfterCommit.run needs an open transaction');
    const list = this.pending.get(runner) ?? [];
    // COMMIT completes after the caller's span has ended; bound here, the work (and what it
    // publishes) stays in the trace of the event that asked for it instead of starting one.
    list.push(context.bind(context.active(), work));
    this.pending.set(runner, list);
  }
}
