import { Injectable } from '@nestjs/common';
import type { ErasureReceipt } from '../domain/erasure-receipt';
import { SubjectRightsErrorCode, SubjectRightsException } from '../domain/subject-rights.exception';
import type { SubjectRequestKind, SubjectRequestStatus } from '../domain/subject-request';
import { packageSealContext } from './assemble-access-package';
import { Clock } from './clock';
import { linkTokenHash } from './link-token';
import { PrivacyKeys } from './privacy-keys';
import { SubjectRightsRepository } from './subject-rights.repository';

export type LinkContent =
  | {
      readonly kind: 'pending';
      readonly requestId: string;
      readonly requestKind: SubjectRequestKind;
      readonly status: SubjectRequestStatus;
      readonly dueOn: string;
    }
  | { readonly kind: 'package-json'; readonly body: string }
  | { readonly kind: 'package-html'; readonly body: string }
  | {
      readonly kind: 'receipt';
      readonly receipt: ErasureReceipt;
      /** The exact signed text, so anyone can verify without re-serialising. */
      readonly document: string;
      readonly signature: string;
      readonly signingKeyId: string;
    };

/** What the customer's link shows: progress, then the package (JSON or page) or the receipt. */
@Injectable()
export class ReadSubjectLink {
  constructor(
    private readonly repository: SubjectRightsRepository,
    private readonly keys: PrivacyKeys,
    private readonly clock: Clock,
  ) {}

  async execute(token: string, format: 'json' | 'html'): Promise<LinkContent> {
    const request = await this.repository.findByLinkHash(linkTokenHash(token));
    if (request === undefined) {
      throw new SubjectRightsException(
        SubjectRightsErrorCode.LinkNotFound,
        'This link is not valid',
      );
    }
    const expired = () =>
      new SubjectRightsException(
        SubjectRightsErrorCode.LinkExpired,
        'This link has expired; make a new request to get a new one',
      );
    if (request.linkExpiresAt === null || this.clock.now() > request.linkExpiresAt) throw expired();
    if (request.status !== 'completed') {
      return {
        kind: 'pending',
        requestId: request.requestId,
        requestKind: request.kind,
        status: request.status,
        dueOn: request.dueOn,
      };
    }
    if (request.kind === 'erasure') {
      const receipt = await this.repository.findReceipt(request.requestId);
      if (receipt === undefined) throw expired();
      return {
        kind: 'receipt',
        receipt: JSON.parse(receipt.document) as ErasureReceipt,
        document: receipt.document,
        signature: receipt.signature,
        signingKeyId: receipt.signingKeyId,
      };
    }
    const pkg = await this.repository.findPackage(request.requestId);
    if (pkg === undefined) throw expired();
    const sealed = format === 'json' ? pkg.sealedJson : pkg.sealedHtml;
    const body = await this.keys.open(sealed, packageSealContext(request.requestId, format));
    return format === 'json' ? { kind: 'package-json', body } : { kind: 'package-html', body };
  }
}
