import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SUBJECT_RIGHTS_RESPONDERS, type ErasureCompletedV1 } from '#lumen/contracts';
import { signedBytesOfReceipt, type ErasureReceipt } from '../domain/erasure-receipt';
import { Clock } from './clock';
import { ReceiptSigner } from './receipt-signer';
import { SubjectRightsRepository } from './subject-rights.repository';
import { SubjectRightsSettings } from './subject-rights.settings';

/**
 * Keeps each service's erasure report; when all three are in, issues the signed receipt (keys
 * destroyed, every store each service processed) and completes the request.
 */
@Injectable()
export class RecordErasureAnswer {
  private readonly logger = new Logger(RecordErasureAnswer.name);

  constructor(
    private readonly repository: SubjectRightsRepository,
    private readonly signer: ReceiptSigner,
    private readonly clock: Clock,
    private readonly settings: SubjectRightsSettings,
  ) {}

  async execute(answer: ErasureCompletedV1, tx: EntityManager): Promise<void> {
    const request = await this.repository.findRequest(answer.requestId, { tx, lock: true });
    if (
      request?.kind !== 'erasure' ||
      request.status !== 'erasing' ||
      request.keysDestroyed === null
    ) {
      this.logger.log('erasure answer for no erasing request dropped', {
        requestId: answer.requestId,
        service: answer.service,
      });
      return;
    }
    const inserted = await this.repository.insertErasureAnswer(
      tx,
      request.requestId,
      answer.service,
      answer.stores,
      new Date(answer.completedAt),
    );
    if (!inserted) return;
    const answers = await this.repository.erasureAnswersOf(tx, request.requestId);
    const answered = new Set(answers.map((a) => a.service));
    if (!SUBJECT_RIGHTS_RESPONDERS.every((service) => answered.has(service))) return;

    const now = this.clock.now();
    const receipt: ErasureReceipt = {
      receiptVersion: 1,
      requestId: request.requestId,
      customerId: request.customerId,
      receivedAt: request.receivedAt.toISOString(),
      identityVerifiedAt: (request.identityVerifiedAt ?? now).toISOString(),
      keysDestroyed: request.keysDestroyed,
      stores: answers.flatMap((a) => a.stores.map((store) => ({ service: a.service, ...store }))),
      completedAt: now.toISOString(),
      signedBy: { service: 'privacy', keyId: this.signer.keyId },
    };
    const document = JSON.stringify(receipt);
    await this.repository.insertReceipt(tx, {
      requestId: request.requestId,
      document,
      signature: this.signer.sign(signedBytesOfReceipt(document)).toString('base64'),
      signingKeyId: this.signer.keyId,
      issuedAt: now,
    });
    await this.repository.updateRequest(tx, request.requestId, {
      status: 'completed',
      completedAt: now,
      linkExpiresAt: new Date(now.getTime() + this.settings.linkTtlMs),
    });
  }
}
