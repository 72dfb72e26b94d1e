import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import type { Outbox } from '#lumen/messaging';
import type { DestroyKey } from '../../keys/application/destroy-key.use-case';
import type { KeyRecordRepository } from '../../keys/application/key-record.repository';
import type { KeyRecord } from '../../keys/domain/key-record';
import type { StoreOutcome } from '../domain/erasure-receipt';
import type { SubjectRequest } from '../domain/subject-request';
import { FileOutboxMailer } from '../infrastructure/file-outbox.mailer';
import { Clock } from './clock';
import type { EmailOnFile } from './email-on-file';
import { EraseSubject } from './erase-subject.use-case';
import type { SubjectRequestPatch, SubjectRightsRepository } from './subject-rights.repository';

const CUSTOMER = 'customer-1';
// The fakes below ignore the transaction they are handed.
const NO_TRANSACTION = undefined as unknown as EntityManager;
const EMAIL = 'ada@example.org';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-11-25T12:00:00Z');
  }
}

/**
 * The erasure run in process: the keys, the request row and the e-mail on file are in memory;
 * the mail outbox is a real folder. Destroying the contact key makes the address unreadable,
 * as crypto-shredding does.
 */
function world(options: { failDestroyOnce: string }) {
  const mailDir = mkdtempSync(join(tmpdir(), 'lumen-erase-subject-'));
  const mail = new FileOutboxMailer(mailDir);
  let request: SubjectRequest = {
    requestId: 'request-1',
    kind: 'erasure',
    customerId: CUSTOMER,
    receivedAt: new Date('2026-11-25T11:00:00Z'),
    status: 'erasing',
    codeHash: null,
    codeExpiresAt: new Date('2026-11-25T11:10:00Z'),
    codeAttempts: 0,
    identityVerifiedAt: new Date('2026-11-25T11:05:00Z'),
    dueOn: '2026-12-23',
    answerBy: null,
    chaseCount: 0,
    missingServices: [],
    completedAt: null,
    linkTokenHash: null,
    linkExpiresAt: null,
    keysDestroyed: null,
    mailErased: null,
  };
  const keys = new Map<string, Date | null>([
    ['contact-key', null],
    ['address-key', null],
  ]);
  const answers: StoreOutcome[][] = [];
  let failing: string | undefined = options.failDestroyOnce;

  const repository = {
    findRequest: () => Promise.resolve(request),
    ordersOf: () => Promise.resolve([]),
    requestsOf: () => Promise.resolve([request]),
    updateRequest: (_tx: EntityManager, _id: string, patch: SubjectRequestPatch) => {
      request = { ...request, ...patch };
      return Promise.resolve();
    },
    eraseCustomerRecords: () =>
      Promise.resolve({ directory: 1, orders: 0, fragments: 0, packages: 0 }),
    insertErasureAnswer: (
      _tx: EntityManager,
      _id: string,
      _service: string,
      stores: readonly StoreOutcome[],
    ) => {
      answers.push([...stores]);
      return Promise.resolve(true);
    },
  } as unknown as SubjectRightsRepository;
  const keyRecords = {
    findBySubjects: () =>
      Promise.resolve(
        [...keys].map(([keyId, destroyedAt]): KeyRecord => ({
          keyId,
          subject: `customer:${CUSTOMER}`,
          purpose: keyId === 'contact-key' ? 'customer-contact' : 'delivery-address',
          allowedServices: ['checkout', 'privacy'],
          createdBy: 'checkout',
          wrappedKey: null,
          masterKeyId: 'm',
          createdAt: new Date('2026-01-01T00:00:00Z'),
          destroyedAt,
          destroyReason: null,
        })),
      ),
  } as unknown as KeyRecordRepository;
  const destroyKey = {
    execute: ({ keyId }: { keyId: string }) => {
      if (keyId === failing) {
        failing = undefined;
        return Promise.reject(new Error('the key service went away'));
      }
      const destroyedAt = new Date('2026-11-25T12:00:00Z');
      keys.set(keyId, destroyedAt);
      return Promise.resolve({ keyId, destroyedAt, alreadyDestroyed: false });
    },
  } as unknown as DestroyKey;
  const emailOnFile = {
    of: () =>
      Promise.resolve(
        keys.get('contact-key') === null ? { email: EMAIL, orderId: 'order-1' } : undefined,
      ),
  } as unknown as EmailOnFile;
  const dataSource = {
    transaction: <T>(work: (tx: EntityManager) => Promise<T>) => work(NO_TRANSACTION),
  } as unknown as DataSource;
  const outbox = { add: () => Promise.resolve() } as unknown as Outbox<LumenTopics>;

  const erase = new EraseSubject(
    dataSource,
    repository,
    keyRecords,
    destroyKey,
    outbox,
    new FixedClock(),
    emailOnFile,
    // FileOutboxMailer implements RetainedMail; the module provides it the same way (useExisting).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    mail,
  );
  return {
    erase,
    mail,
    answers,
    mailFiles: () => readdirSync(mailDir).filter((name) => name.endsWith('.json')),
    cleanUp: () => {
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

const sentTo = (to: string) => ({
  to,
  kind: 'verification-code' as const,
  requestId: 'request-0',
  subject: 'Your code',
  text: 'Your code is 123456.',
});

describe('EraseSubject', () => {
  it('a run resumed after the contact key went still reports the mail an earlier run deleted', async () => {
    // The first run destroys the contact key, then fails on the address key.
    const w = world({ failDestroyOnce: 'address-key' });
    try {
      await w.mail.send(sentTo(EMAIL));
      await w.mail.send(sentTo(EMAIL));
      await w.mail.send(sentTo('someone.else@example.org'));

      await expect(w.erase.execute('request-1')).rejects.toThrow('the key service went away');
      await w.erase.execute('request-1');

      expect(w.mailFiles()).toHaveLength(1); // only the other customer's
      expect(w.answers).toHaveLength(1);
      expect(w.answers[0]?.find((s) => s.store === 'privacy.mail-outbox')).toEqual({
        store: 'privacy.mail-outbox',
        action: 'deleted',
        count: 2,
      });
    } finally {
      w.cleanUp();
    }
  });

  it('reports none-held when no mail was kept for the address', async () => {
    const w = world({ failDestroyOnce: 'none' });
    try {
      await w.mail.send(sentTo('someone.else@example.org'));
      await w.erase.execute('request-1');
      expect(w.mailFiles()).toHaveLength(1);
      expect(w.answers[0]?.find((s) => s.store === 'privacy.mail-outbox')).toEqual({
        store: 'privacy.mail-outbox',
        action: 'none-held',
        count: 0,
      });
    } finally {
      w.cleanUp();
    }
  });
});
