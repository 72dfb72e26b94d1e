import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { londonCalendarDate, responseDueDate } from '../domain/response-due-date';
import {
  IDENTITY_CHECK,
  type SubjectRequest,
  type SubjectRequestKind,
} from '../domain/subject-request';
import { newVerificationCode, verificationCodeHash } from '../domain/verification-code';
import { Clock } from './clock';
import { EmailOnFile } from './email-on-file';
import { Mailer, type MailMessage } from './mailer';
import { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

export interface StartSubjectRequestResult {
  readonly requestId: string;
  readonly status: 'awaiting-identity';
  readonly codeExpiresAt: Date;
}

function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * A customer asks for access or erasure, naming their customer id and e-mail. A code goes to the
 * e-mail on file, and only when the e-mail given is that one. Whatever matched, the answer is the
 * same, so the endpoint never tells a stranger whether a customer exists or which e-mail they use.
 * Every request is registered and stamped with a provisional due date on arrival.
 *
 * The time taken must not tell either. Work that is cheap to do either way is done either way
 * (the hourly count, a code and its hash); opening the e-mail on file cannot be (no key exists
 * for a customer nobody knows), so the answer is held back to `startMinResponseMs` from
 * arrival; and the mail, whose time depends on the mail system, is handed over in the
 * background, never awaited by the answer (it usually finishes within the held-back time).
 */
@Injectable()
export class StartSubjectRequest implements OnApplicationShutdown {
  private readonly logger = new Logger(StartSubjectRequest.name);
  /** Mail still being handed over, awaited at shutdown so no code is dropped on the floor. */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SubjectRightsRepository,
    private readonly emailOnFile: EmailOnFile,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly settings: SubjectRightsSettings,
  ) {}

  async execute(command: {
    readonly kind: SubjectRequestKind;
    readonly customerId?: string;
    readonly orderId?: string;
    readonly email: string;
  }): Promise<StartSubjectRequestResult> {
    const answerNotBefore = performance.now() + this.settings.startMinResponseMs;
    const now = this.clock.now();
    const requestId = randomUUID();
    const customerId =
      command.customerId ??
      (command.orderId === undefined
        ? undefined
        : await this.repository.customerOfOrder(command.orderId)) ??
      // An order nobody knows: registered under a name no customer has, so nothing matches.
      `unknown-order:${command.orderId ?? ''}`;
    const onFile = await this.emailOnFile.of(customerId);
    const matched = onFile !== undefined && sameEmail(onFile.email, command.email);
    const codesThisHour = await this.repository.countCodesSentSince(
      customerId,
      new Date(now.getTime() - 3_600_000),
    );
    const throttled = matched && codesThisHour >= IDENTITY_CHECK.maxCodesPerCustomerPerHour;
    const candidate = newVerificationCode();
    const candidateHash = verificationCodeHash(this.settings.codeSecret, requestId, candidate);
    const code = matched && !throttled ? candidate : undefined;
    const codeExpiresAt = new Date(now.getTime() + IDENTITY_CHECK.codeTtlMs);
    const request: SubjectRequest = {
      requestId,
      kind: command.kind,
      customerId,
      receivedAt: now,
      status: 'awaiting-identity',
      codeHash: code === undefined ? null : candidateHash,
      codeExpiresAt,
      codeAttempts: 0,
      identityVerifiedAt: null,
      dueOn: responseDueDate(londonCalendarDate(now)),
      answerBy: null,
      chaseCount: 0,
      missingServices: [],
      completedAt: null,
      linkTokenHash: null,
      linkExpiresAt: null,
      keysDestroyed: null,
      mailErased: null,
    };
    await this.dataSource.transaction((tx) => this.repository.insertRequest(tx, request));
    if (code !== undefined && onFile !== undefined) {
      this.sendInBackground({
        to: onFile.email,
        kind: 'verification-code',
        requestId,
        subject: `Your code for your ${command.kind} request`,
        text:
          `Someone, we hope you, asked us for ${command.kind === 'access' ? 'a copy of' : 'the erasure of'} ` +
          `the personal data we hold about you (request ${requestId}).\n\n` +
          `Your code is ${code}. It expires at ${codeExpiresAt.toISOString()} and can be tried ` +
          `${IDENTITY_CHECK.maxAttempts} times.\n\nIf this was not you, ignore this message: nothing happens without the code.\n`,
      });
    } else if (throttled) {
      this.logger.warn('verification code not sent: hourly limit for this customer', { requestId });
    }
    await sleep(Math.max(0, answerNotBefore - performance.now()));
    return { requestId, status: 'awaiting-identity', codeExpiresAt };
  }

  /** Resolves once every code mail started so far has been handed over (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /**
   * The request is registered whatever happens to its mail; a mail that fails is logged by
   * request id (never the address) and the customer, who got no code, asks again.
   */
  private sendInBackground(message: MailMessage): void {
    const sending = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.mailer.send(message))
      .catch((error: unknown) => {
        this.logger.error('verification code mail not sent', {
          requestId: message.requestId,
          error: error instanceof Error ? error.name : 'unknown',
        });
      })
      .finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }
}
