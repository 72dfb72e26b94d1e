import type { DataSource, EntityManager } from 'typeorm';
import type { SubjectRequest } from '../domain/subject-request';
import { Clock } from './clock';
import type { EmailOnFile } from './email-on-file';
import { Mailer, type MailMessage } from './mailer';
import { StartSubjectRequest } from './start-subject-request.use-case';
import type { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-11-25T12:00:00Z');
  }
}

const NO_TRANSACTION = undefined as unknown as EntityManager;

/** The use case with the customer `c-1` (ada@example.org) on file and a mailer that records. */
function world(mailer: (message: MailMessage) => Promise<void>) {
  const inserted: SubjectRequest[] = [];
  const sent: MailMessage[] = [];
  const repository = {
    customerOfOrder: () => Promise.resolve(undefined),
    countCodesSentSince: () => Promise.resolve(0),
    insertRequest: (_tx: EntityManager, request: SubjectRequest) => {
      inserted.push(request);
      return Promise.resolve();
    },
  } as unknown as SubjectRightsRepository;
  const emailOnFile = {
    of: (customerId: string) =>
      Promise.resolve(
        customerId === 'c-1' ? { email: 'ada@example.org', orderId: 'order-1' } : undefined,
      ),
  } as unknown as EmailOnFile;
  const mail = new (class extends Mailer {
    async send(message: MailMessage): Promise<void> {
      await mailer(message);
      sent.push(message);
    }
  })();
  const dataSource = {
    transaction: <T>(work: (tx: EntityManager) => Promise<T>) => work(NO_TRANSACTION),
  } as unknown as DataSource;
  const start = new StartSubjectRequest(
    dataSource,
    repository,
    emailOnFile,
    mail,
    new FixedClock(),
    // No held-back time here: these tests look at what is answered and sent, not when.
    new SubjectRightsSettings('https://shop.test', 60_000, 60_000, Buffer.alloc(32, 7), 0),
  );
  return { start, inserted, sent };
}

/** The answer with its request id blanked: the one part that differs on purpose. */
const shape = (answer: { requestId: string }) => ({ ...answer, requestId: 'X' });

describe('StartSubjectRequest', () => {
  it('answers a match, a wrong e-mail and an unknown customer alike, and mails only the match', async () => {
    const w = world(() => Promise.resolve());
    const match = await w.start.execute({
      kind: 'access',
      customerId: 'c-1',
      email: ' Ada@Example.org',
    });
    const wrongEmail = await w.start.execute({
      kind: 'access',
      customerId: 'c-1',
      email: 'eve@example.org',
    });
    const unknown = await w.start.execute({
      kind: 'access',
      customerId: 'c-2',
      email: 'ada@example.org',
    });
    await w.start.settled();

    expect(shape(wrongEmail)).toEqual(shape(match));
    expect(shape(unknown)).toEqual(shape(match));
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]).toMatchObject({
      to: 'ada@example.org',
      kind: 'verification-code',
      requestId: match.requestId,
    });
    expect(w.sent[0]?.text).toMatch(/Your code is \d{6}\./);
    // Every request is registered; only the matched one holds a code.
    expect(w.inserted.map((r) => r.codeHash !== null)).toEqual([true, false, false]);
  });

  it('answers before the mail is handed over, and a failed mail does not fail the request', async () => {
    let release: () => void = () => undefined;
    const slowMail = new Promise<void>((resolve) => {
      release = resolve;
    });
    const w = world(async () => {
      await slowMail;
      throw new Error('mail system down');
    });

    const answer = await w.start.execute({
      kind: 'erasure',
      customerId: 'c-1',
      email: 'ada@example.org',
    });

    expect(answer.status).toBe('awaiting-identity');
    expect(w.inserted).toHaveLength(1);
    release();
    await w.start.settled();
    expect(w.sent).toHaveLength(0);
  });
});
