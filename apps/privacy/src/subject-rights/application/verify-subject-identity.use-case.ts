import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LumenTopics } from '#lumen/contracts';
import { Outbox } from '#lumen/messaging';
import { londonCalendarDate, responseDueDate } from '../domain/response-due-date';
import { SubjectRightsErrorCode, SubjectRightsException } from '../domain/subject-rights.exception';
import {
  IDENTITY_CHECK,
  type SubjectRequestKind,
  type SubjectRequestStatus,
} from '../domain/subject-request';
import { verificationCodeMatches } from '../domain/verification-code';
import { Clock } from './clock';
import { EraseSubject } from './erase-subject.use-case';
import { newLinkToken } from './link-token';
import { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

export interface VerifiedRequest {
  readonly requestId: string;
  readonly kind: SubjectRequestKind;
  readonly status: SubjectRequestStatus;
  readonly dueOn: string;
  /** The customer's link to the package or receipt; shown once, stored only hashed. */
  readonly link: string;
  readonly linkExpiresAt: Date;
}

type Outcome =
  | { readonly kind: 'verified'; readonly result: VerifiedRequest }
  | { readonly kind: 'refused'; readonly error: SubjectRightsException };

/**
 * The code proves the requester holds the e-mail on file. On success the due date is restamped
 * from today (the clock was paused while identity was unproven), the customer gets an
 * unguessable link, and the work starts: an access request is published to every service; an
 * erasure destroys the customer's keys. A wrong code counts; the fifth wrong one locks the request.
 */
@Injectable()
export class VerifySubjectIdentity {
  private readonly logger = new Logger(VerifySubjectIdentity.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SubjectRightsRepository,
    private readonly outbox: Outbox<LumenTopics>,
    private readonly eraseSubject: EraseSubject,
    private readonly clock: Clock,
    private readonly settings: SubjectRightsSettings,
  ) {}

  async execute(command: {
    readonly requestId: string;
    readonly code: string;
  }): Promise<VerifiedRequest> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (tx): Promise<Outcome> => {
      const request = await this.repository.findRequest(command.requestId, { tx, lock: true });
      const refused = (code: SubjectRightsErrorCode, message: string, details = {}): Outcome => ({
        kind: 'refused',
        error: new SubjectRightsException(code, message, details),
      });
      if (request === undefined) {
        return refused(SubjectRightsErrorCode.RequestNotFound, `No request ${command.requestId}`);
      }
      if (
        request.status === 'identity-refused' ||
        request.codeAttempts >= IDENTITY_CHECK.maxAttempts
      ) {
        return refused(
          SubjectRightsErrorCode.AttemptsExhausted,
          `Request ${request.requestId} is locked after ${IDENTITY_CHECK.maxAttempts} wrong codes; start a new request`,
        );
      }
      if (request.status !== 'awaiting-identity') {
        return refused(
          SubjectRightsErrorCode.AlreadyVerified,
          `Request ${request.requestId} is already verified; use the link you were given`,
        );
      }
      if (now.getTime() > request.codeExpiresAt.getTime()) {
        return refused(
          SubjectRightsErrorCode.CodeExpired,
          `The code of request ${request.requestId} expired at ${request.codeExpiresAt.toISOString()}; start a new request`,
        );
      }
      if (
        !verificationCodeMatches(
          this.settings.codeSecret,
          request.codeHash,
          request.requestId,
          command.code,
        )
      ) {
        const attempts = request.codeAttempts + 1;
        const locked = attempts >= IDENTITY_CHECK.maxAttempts;
        await this.repository.updateRequest(tx, request.requestId, {
          codeAttempts: attempts,
          ...(locked && { status: 'identity-refused', codeHash: null }),
        });
        return locked
          ? refused(
              SubjectRightsErrorCode.AttemptsExhausted,
              `Wrong code; request ${request.requestId} is now locked; start a new request`,
            )
          : refused(
              SubjectRightsErrorCode.CodeWrong,
              'Wrong code; check the code in the e-mail we sent',
              {
                attemptsLeft: IDENTITY_CHECK.maxAttempts - attempts,
              },
            );
      }

      const link = newLinkToken();
      const dueOn = responseDueDate(londonCalendarDate(now));
      const linkExpiresAt = new Date(now.getTime() + this.settings.linkTtlMs);
      const status: SubjectRequestStatus = request.kind === 'access' ? 'gathering' : 'erasing';
      const answerBy = new Date(now.getTime() + this.settings.answerWindowMs);
      await this.repository.updateRequest(tx, request.requestId, {
        status,
        identityVerifiedAt: now,
        dueOn,
        codeHash: null,
        linkTokenHash: link.hash,
        linkExpiresAt,
        ...(request.kind === 'access' && { answerBy }),
      });
      if (request.kind === 'access') {
        await this.outbox.add(tx, 'privacy.access.requested.v1', request.requestId, {
          requestId: request.requestId,
          customerId: request.customerId,
          answerBy: answerBy.toISOString(),
          requestedAt: request.receivedAt.toISOString(),
        });
      }
      return {
        kind: 'verified',
        result: {
          requestId: request.requestId,
          kind: request.kind,
          status,
          dueOn,
          link: `${this.settings.publicUrl}/privacy/links/${link.token}`,
          linkExpiresAt,
        },
      };
    });
    if (outcome.kind === 'refused') throw outcome.error;
    if (outcome.result.kind === 'erasure') {
      // Started at once; if this fails (or the process stops), the scheduler's next tick resumes it.
      await this.eraseSubject.execute(outcome.result.requestId).catch((error: unknown) => {
        this.logger.error('erasure interrupted; it resumes on the next tick', {
          requestId: outcome.result.requestId,
          error: error instanceof Error ? error.message : 'unknown',
        });
      });
    }
    return outcome.result;
  }
}
