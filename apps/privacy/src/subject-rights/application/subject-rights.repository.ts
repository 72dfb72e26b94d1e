import type { EntityManager } from 'typeorm';
import type { SubjectRightsResponder } from '#lumen/contracts';
import type { StoreOutcome } from '../domain/erasure-receipt';
import type { SubjectRequest } from '../domain/subject-request';

export interface CustomerOrderRecord {
  readonly orderId: string;
  readonly customerId: string;
  readonly placedAt: Date;
  readonly policyVersion: string;
  readonly sealedEmail: string;
}

export interface StoredFragment {
  readonly service: SubjectRightsResponder;
  readonly sealedFragment: string;
  readonly recordCount: number;
  readonly answeredAt: Date;
}

export interface StoredPackage {
  readonly requestId: string;
  readonly sealedJson: string;
  readonly sealedHtml: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface StoredReceipt {
  readonly requestId: string;
  readonly document: string;
  readonly signature: string;
  readonly signingKeyId: string;
  readonly issuedAt: Date;
}

export type SubjectRequestPatch = Partial<
  Pick<
    SubjectRequest,
    | 'status'
    | 'codeHash'
    | 'codeAttempts'
    | 'identityVerifiedAt'
    | 'dueOn'
    | 'answerBy'
    | 'chaseCount'
    | 'missingServices'
    | 'completedAt'
    | 'linkTokenHash'
    | 'linkExpiresAt'
    | 'keysDestroyed'
    | 'mailErased'
  >
>;

/** The privacy schema's subject-rights tables. Writes take the caller's transaction. */
export abstract class SubjectRightsRepository {
  /** Records an order once; the newest order's e-mail becomes the one on file. */
  abstract recordCustomerOrder(tx: EntityManager, order: CustomerOrderRecord): Promise<void>;
  abstract findCustomer(
    customerId: string,
    tx?: EntityManager,
  ): Promise<{ sealedEmail: string; emailOrderId: string } | undefined>;
  abstract ordersOf(
    customerId: string,
    tx?: EntityManager,
  ): Promise<{ orderId: string; placedAt: Date; policyVersion: string }[]>;
  abstract customerOfOrder(orderId: string): Promise<string | undefined>;
  abstract countCodesSentSince(customerId: string, since: Date): Promise<number>;

  abstract insertRequest(tx: EntityManager, request: SubjectRequest): Promise<void>;
  abstract findRequest(
    requestId: string,
    options?: { readonly tx: EntityManager; readonly lock: boolean },
  ): Promise<SubjectRequest | undefined>;
  abstract updateRequest(
    tx: EntityManager,
    requestId: string,
    patch: SubjectRequestPatch,
  ): Promise<void>;
  abstract findByLinkHash(hash: Buffer): Promise<SubjectRequest | undefined>;
  abstract requestsOf(customerId: string, tx?: EntityManager): Promise<SubjectRequest[]>;
  abstract allRequests(): Promise<SubjectRequest[]>;
  /** Access requests still gathering whose answer time passed. */
  abstract gatheringPastAnswerBy(now: Date): Promise<SubjectRequest[]>;
  /** Erasures whose keys are not yet all destroyed (a crash in between, or just verified). */
  abstract erasuresToRun(): Promise<SubjectRequest[]>;

  /** False when this service's answer was already recorded. */
  abstract insertFragment(
    tx: EntityManager,
    requestId: string,
    fragment: StoredFragment,
  ): Promise<boolean>;
  abstract fragmentsOf(tx: EntityManager, requestId: string): Promise<StoredFragment[]>;
  /** Stores the package and drops the fragments it was made from (it holds all of them). */
  abstract insertPackage(tx: EntityManager, pkg: StoredPackage): Promise<void>;
  abstract findPackage(requestId: string): Promise<StoredPackage | undefined>;

  abstract insertErasureAnswer(
    tx: EntityManager,
    requestId: string,
    service: SubjectRightsResponder | 'privacy',
    stores: readonly StoreOutcome[],
    completedAt: Date,
  ): Promise<boolean>;
  abstract erasureAnswersOf(
    tx: EntityManager,
    requestId: string,
  ): Promise<{ service: SubjectRightsResponder | 'privacy'; stores: StoreOutcome[] }[]>;
  abstract insertReceipt(tx: EntityManager, receipt: StoredReceipt): Promise<void>;
  abstract findReceipt(requestId: string): Promise<StoredReceipt | undefined>;

  /**
   * Erasure of the privacy service's own copies: the directory row, the order list, and the
   * fragments and packages of the customer's earlier access requests. The register of requests
   * stays (accountability), holding only the opaque customer id.
   */
  abstract eraseCustomerRecords(
    tx: EntityManager,
    customerId: string,
  ): Promise<{ directory: number; orders: number; fragments: number; packages: number }>;

  // Retention
  abstract deleteExpiredPackages(now: Date): Promise<number>;
  abstract purgeCodesExpiredBefore(cutoff: Date): Promise<number>;
  /** Requests received before `cutoff` and no longer in progress (with their receipts). */
  abstract deleteRequestsClosedBefore(cutoff: Date): Promise<number>;
  /** Directory entries (and order lists) of customers whose last order is before `cutoff`. */
  abstract deleteCustomersWithoutOrdersSince(cutoff: Date): Promise<number>;
}
