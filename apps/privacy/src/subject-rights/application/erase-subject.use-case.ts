import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { DestroyKey } from '../../keys/application/destroy-key.use-case';
import { KeyRecordRepository } from '../../keys/application/key-record.repository';
import type { DestroyedKey } from '../domain/subject-request';
import { Clock } from './clock';
import { EmailOnFile } from './email-on-file';
import { RetainedMail } from './privacy-retention.tasks';
import { SubjectRightsRepository } from './subject-rights.repository';

const PRIVACY = 'privacy';

/**
 * Crypto-shredding of one customer, then the word to every service. Destroyed: every key of
 * subject `customer:<id>` (contact details, delivery address), the order-bound keys of their
 * orders (card tokens), and the keys of their earlier access answers (`request:<id>:<service>`,
 * package keys `request:<id>`). Every copy sealed under those keys, in any table, topic or
 * backup, is unreadable from then on. Then, in one transaction: the privacy service's own rows
 * go, and `privacy.subject.erased.v1` is written to the outbox for the services to mask or
 * delete theirs.
 *
 * Idempotent and resumable: destroying a destroyed key changes nothing, and the final step runs
 * once (guarded by `keys_destroyed`). The kept copies of mail go first, while the address can
 * still be opened, and their count is recorded on the request (`mail_erased`): a run resumed
 * after some keys went can no longer open the address, and would otherwise sign a receipt saying
 * the mail outbox held nothing.
 */
@Injectable()
export class EraseSubject {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SubjectRightsRepository,
    private readonly keyRecords: KeyRecordRepository,
    private readonly destroyKey: DestroyKey,
    private readonly outbox: Outbox<LumenTopics>,
    private readonly clock: Clock,
    private readonly emailOnFile: EmailOnFile,
    private readonly mail: RetainedMail,
  ) {}

  async execute(requestId: string): Promise<void> {
    const request = await this.repository.findRequest(requestId);
    if (request?.status !== 'erasing' || request.keysDestroyed !== null) return;
    const { customerId } = request;
    const orders = await this.repository.ordersOf(customerId);
    const requests = await this.repository.requestsOf(customerId);
    const mailDeleted = request.mailErased ?? (await this.eraseMail(requestId, customerId));
    const keys = await this.keyRecords.findBySubjects(
      [
        `customer:${customerId}`,
        ...orders.map((order) => `order:${order.orderId}`),
        ...requests.map((r) => `request:${r.requestId}`),
      ],
      requests.map((r) => `request:${r.requestId}:`),
    );
    const destroyed: DestroyedKey[] = [];
    for (const key of keys) {
      const destroyedAt =
        key.destroyedAt ??
        (
          await this.destroyKey.execute({
            caller: PRIVACY,
            keyId: key.keyId,
            reason: `erasure request ${requestId}`,
          })
        ).destroyedAt;
      destroyed.push({
        keyId: key.keyId,
        purpose: key.purpose,
        subject: key.subject,
        destroyedAt: destroyedAt.toISOString(),
      });
    }

    await this.dataSource.transaction(async (tx) => {
      const current = await this.repository.findRequest(requestId, { tx, lock: true });
      if (current?.keysDestroyed !== null) return;
      const now = this.clock.now();
      const own = await this.repository.eraseCustomerRecords(tx, customerId);
      await this.repository.updateRequest(tx, requestId, { keysDestroyed: destroyed });
      await this.repository.insertErasureAnswer(
        tx,
        requestId,
        PRIVACY,
        [
          {
            store: 'privacy.customer_directory',
            action: own.directory > 0 ? 'deleted' : 'none-held',
            count: own.directory,
          },
          {
            store: 'privacy.customer_orders',
            action: own.orders > 0 ? 'deleted' : 'none-held',
            count: own.orders,
          },
          {
            store: 'privacy.access_fragments',
            action: own.fragments > 0 ? 'deleted' : 'none-held',
            count: own.fragments,
          },
          {
            store: 'privacy.access_packages',
            action: own.packages > 0 ? 'deleted' : 'none-held',
            count: own.packages,
          },
          {
            store: 'privacy.mail-outbox',
            action: mailDeleted > 0 ? 'deleted' : 'none-held',
            count: mailDeleted,
          },
          {
            store: 'privacy.subject_requests',
            action: 'kept-by-law',
            count: requests.length,
          },
        ],
        now,
      );
      await this.outbox.add(tx, 'privacy.subject.erased.v1', customerId, {
        requestId,
        customerId,
        keysDestroyed: destroyed.map((key) => key.keyId),
        erasedAt: now.toISOString(),
      });
    });
  }

  /**
   * Deletes the kept mail sent to the address on file and records how many, before any key is
   * destroyed. A crash between the two leaves the count short by what was deleted; the mail
   * itself is gone either way, and the next run records the rest.
   */
  private async eraseMail(requestId: string, customerId: string): Promise<number> {
    const onFile = await this.emailOnFile.of(customerId);
    const deleted = onFile === undefined ? 0 : await this.mail.deleteAddressedTo(onFile.email);
    await this.dataSource.transaction((tx) =>
      this.repository.updateRequest(tx, requestId, { mailErased: deleted }),
    );
    return deleted;
  }
}
