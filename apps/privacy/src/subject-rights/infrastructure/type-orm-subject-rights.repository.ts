import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SubjectRightsResponder } from '#lumen/contracts';
import { affectedRows, returnedRows } from '#lumen/retention';
import {
  SubjectRightsRepository,
  type CustomerOrderRecord,
  type StoredFragment,
  type StoredPackage,
  type StoredReceipt,
  type SubjectRequestPatch,
} from '../application/subject-rights.repository';
import type { StoreOutcome } from '../domain/erasure-receipt';
import type {
  DestroyedKey,
  SubjectRequest,
  SubjectRequestKind,
  SubjectRequestStatus,
} from '../domain/subject-request';

interface RequestRow {
  request_id: string;
  kind: SubjectRequestKind;
  customer_id: string;
  received_at: Date;
  status: SubjectRequestStatus;
  code_hash: Buffer | null;
  code_expires_at: Date;
  code_attempts: number;
  identity_verified_at: Date | null;
  due_on: string;
  answer_by: Date | null;
  chase_count: number;
  missing_services: SubjectRightsResponder[];
  completed_at: Date | null;
  link_token_hash: Buffer | null;
  link_expires_at: Date | null;
  keys_destroyed: DestroyedKey[] | null;
  mail_erased: number | null;
}

// `date` read as text: node-postgres would turn it into a Date at local midnight.
const REQUEST_COLUMNS = `request_id, kind, customer_id, received_at, status, code_hash, code_expires_at,
  code_attempts, identity_verified_at, due_on::text AS due_on, answer_by, chase_count,
  missing_services, completed_at, link_token_hash, link_expires_at, keys_destroyed, mail_erased`;

function toRequest(row: RequestRow): SubjectRequest {
  return {
    requestId: row.request_id,
    kind: row.kind,
    customerId: row.customer_id,
    receivedAt: row.received_at,
    status: row.status,
    codeHash: row.code_hash,
    codeExpiresAt: row.code_expires_at,
    codeAttempts: row.code_attempts,
    identityVerifiedAt: row.identity_verified_at,
    dueOn: row.due_on,
    answerBy: row.answer_by,
    chaseCount: row.chase_count,
    missingServices: row.missing_services,
    completedAt: row.completed_at,
    linkTokenHash: row.link_token_hash,
    linkExpiresAt: row.link_expires_at,
    keysDestroyed: row.keys_destroyed,
    mailErased: row.mail_erased,
  };
}

const PATCH_COLUMNS: Record<keyof SubjectRequestPatch, string> = {
  status: 'status',
  codeHash: 'code_hash',
  codeAttempts: 'code_attempts',
  identityVerifiedAt: 'identity_verified_at',
  dueOn: 'due_on',
  answerBy: 'answer_by',
  chaseCount: 'chase_count',
  missingServices: 'missing_services',
  completedAt: 'completed_at',
  linkTokenHash: 'link_token_hash',
  linkExpiresAt: 'link_expires_at',
  keysDestroyed: 'keys_destroyed',
  mailErased: 'mail_erased',
};

@Injectable()
export class TypeOrmSubjectRightsRepository extends SubjectRightsRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async recordCustomerOrder(tx: EntityManager, order: CustomerOrderRecord): Promise<void> {
    await tx.query(
      `INSERT INTO customer_orders (order_id, customer_id, placed_at, policy_version)
       VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING`,
      [order.orderId, order.customerId, order.placedAt, order.policyVersion],
    );
    await tx.query(
      `INSERT INTO customer_directory (customer_id, sealed_email, email_order_id, email_placed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id) DO UPDATE
         SET sealed_email = EXCLUDED.sealed_email, email_order_id = EXCLUDED.email_order_id,
             email_placed_at = EXCLUDED.email_placed_at
         WHERE customer_directory.email_placed_at < EXCLUDED.email_placed_at`,
      [order.customerId, order.sealedEmail, order.orderId, order.placedAt],
    );
  }

  async findCustomer(
    customerId: string,
    tx?: EntityManager,
  ): Promise<{ sealedEmail: string; emailOrderId: string } | undefined> {
    const rows: { sealed_email: string; email_order_id: string }[] = await (
      tx ?? this.dataSource
    ).query(`SELECT sealed_email, email_order_id FROM customer_directory WHERE customer_id = $1`, [
      customerId,
    ]);
    const row = rows[0];
    return row && { sealedEmail: row.sealed_email, emailOrderId: row.email_order_id };
  }

  async ordersOf(
    customerId: string,
    tx?: EntityManager,
  ): Promise<{ orderId: string; placedAt: Date; policyVersion: string }[]> {
    const rows: { order_id: string; placed_at: Date; policy_version: string }[] = await (
      tx ?? this.dataSource
    ).query(
      `SELECT order_id, placed_at, policy_version FROM customer_orders
       WHERE customer_id = $1 ORDER BY placed_at`,
      [customerId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      placedAt: r.placed_at,
      policyVersion: r.policy_version,
    }));
  }

  async customerOfOrder(orderId: string): Promise<string | undefined> {
    const rows: { customer_id: string }[] = await this.dataSource.query(
      `SELECT customer_id FROM customer_orders WHERE order_id = $1`,
      [orderId],
    );
    return rows[0]?.customer_id;
  }

  async countCodesSentSince(customerId: string, since: Date): Promise<number> {
    const rows: { count: string }[] = await this.dataSource.query(
      `SELECT count(*) AS count FROM subject_requests
       WHERE customer_id = $1 AND received_at >= $2 AND code_sent`,
      [customerId, since],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async insertRequest(tx: EntityManager, r: SubjectRequest): Promise<void> {
    await tx.query(
      `INSERT INTO subject_requests (request_id, kind, customer_id, received_at, status, code_hash,
         code_expires_at, code_sent, code_attempts, due_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        r.requestId,
        r.kind,
        r.customerId,
        r.receivedAt,
        r.status,
        r.codeHash,
        r.codeExpiresAt,
        r.codeHash !== null,
        r.codeAttempts,
        r.dueOn,
      ],
    );
  }

  async findRequest(
    requestId: string,
    options?: { readonly tx: EntityManager; readonly lock: boolean },
  ): Promise<SubjectRequest | undefined> {
    const runner = options?.tx ?? this.dataSource;
    const rows: RequestRow[] = await runner.query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests WHERE request_id = $1${options?.lock ? ' FOR UPDATE' : ''}`,
      [requestId],
    );
    return rows[0] && toRequest(rows[0]);
  }

  async updateRequest(
    tx: EntityManager,
    requestId: string,
    patch: SubjectRequestPatch,
  ): Promise<void> {
    const entries = Object.entries(patch) as [keyof SubjectRequestPatch, unknown][];
    if (entries.length === 0) return;
    const sets = entries.map(([name], i) => `${PATCH_COLUMNS[name]} = $${i + 2}`);
    const values = entries.map(([name, value]) =>
      name === 'keysDestroyed' && value !== null ? JSON.stringify(value) : value,
    );
    await tx.query(`UPDATE subject_requests SET ${sets.join(', ')} WHERE request_id = $1`, [
      requestId,
      ...values,
    ]);
  }

  async findByLinkHash(hash: Buffer): Promise<SubjectRequest | undefined> {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests WHERE link_token_hash = $1`,
      [hash],
    );
    return rows[0] && toRequest(rows[0]);
  }

  async requestsOf(customerId: string, tx?: EntityManager): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await (tx ?? this.dataSource).query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests WHERE customer_id = $1 ORDER BY received_at`,
      [customerId],
    );
    return rows.map(toRequest);
  }

  async allRequests(): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests ORDER BY received_at, request_id`,
    );
    return rows.map(toRequest);
  }

  async gatheringPastAnswerBy(now: Date): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests
       WHERE status = 'gathering' AND answer_by < $1 ORDER BY answer_by LIMIT 100`,
      [now],
    );
    return rows.map(toRequest);
  }

  async erasuresToRun(): Promise<SubjectRequest[]> {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT ${REQUEST_COLUMNS} FROM subject_requests
       WHERE status = 'erasing' AND keys_destroyed IS NULL ORDER BY identity_verified_at LIMIT 100`,
    );
    return rows.map(toRequest);
  }

  async insertFragment(tx: EntityManager, requestId: string, f: StoredFragment): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO access_fragments (request_id, service, sealed_fragment, record_count, answered_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, service) DO NOTHING RETURNING service`,
      [requestId, f.service, f.sealedFragment, f.recordCount, f.answeredAt],
    );
    return rows.length === 1;
  }

  async fragmentsOf(tx: EntityManager, requestId: string): Promise<StoredFragment[]> {
    const rows: {
      service: SubjectRightsResponder;
      sealed_fragment: string;
      record_count: number;
      answered_at: Date;
    }[] = await tx.query(
      `SELECT service, sealed_fragment, record_count, answered_at FROM access_fragments
       WHERE request_id = $1 ORDER BY service`,
      [requestId],
    );
    return rows.map((r) => ({
      service: r.service,
      sealedFragment: r.sealed_fragment,
      recordCount: r.record_count,
      answeredAt: r.answered_at,
    }));
  }

  async insertPackage(tx: EntityManager, pkg: StoredPackage): Promise<void> {
    await tx.query(
      `INSERT INTO access_packages (request_id, sealed_json, sealed_html, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [pkg.requestId, pkg.sealedJson, pkg.sealedHtml, pkg.createdAt, pkg.expiresAt],
    );
    await tx.query(`DELETE FROM access_fragments WHERE request_id = $1`, [pkg.requestId]);
  }

  async findPackage(requestId: string): Promise<StoredPackage | undefined> {
    const rows: { sealed_json: string; sealed_html: string; created_at: Date; expires_at: Date }[] =
      await this.dataSource.query(
        `SELECT sealed_json, sealed_html, created_at, expires_at FROM access_packages WHERE request_id = $1`,
        [requestId],
      );
    const row = rows[0];
    return (
      row && {
        requestId,
        sealedJson: row.sealed_json,
        sealedHtml: row.sealed_html,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  async insertErasureAnswer(
    tx: EntityManager,
    requestId: string,
    service: SubjectRightsResponder | 'privacy',
    stores: readonly StoreOutcome[],
    completedAt: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO erasure_answers (request_id, service, stores, completed_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, service) DO NOTHING RETURNING service`,
      [requestId, service, JSON.stringify(stores), completedAt],
    );
    return rows.length === 1;
  }

  async erasureAnswersOf(
    tx: EntityManager,
    requestId: string,
  ): Promise<{ service: SubjectRightsResponder | 'privacy'; stores: StoreOutcome[] }[]> {
    const rows: { service: SubjectRightsResponder | 'privacy'; stores: StoreOutcome[] }[] =
      await tx.query(
        `SELECT service, stores FROM erasure_answers WHERE request_id = $1 ORDER BY service`,
        [requestId],
      );
    return rows;
  }

  async insertReceipt(tx: EntityManager, receipt: StoredReceipt): Promise<void> {
    await tx.query(
      `INSERT INTO erasure_receipts (request_id, document, signature, signing_key_id, issued_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        receipt.requestId,
        receipt.document,
        receipt.signature,
        receipt.signingKeyId,
        receipt.issuedAt,
      ],
    );
  }

  async findReceipt(requestId: string): Promise<StoredReceipt | undefined> {
    const rows: { document: string; signature: string; signing_key_id: string; issued_at: Date }[] =
      await this.dataSource.query(
        `SELECT document, signature, signing_key_id, issued_at FROM erasure_receipts WHERE request_id = $1`,
        [requestId],
      );
    const row = rows[0];
    return (
      row && {
        requestId,
        document: row.document,
        signature: row.signature,
        signingKeyId: row.signing_key_id,
        issuedAt: row.issued_at,
      }
    );
  }

  async eraseCustomerRecords(
    tx: EntityManager,
    customerId: string,
  ): Promise<{ directory: number; orders: number; fragments: number; packages: number }> {
    const directory = affectedRows(
      await tx.query(`DELETE FROM customer_directory WHERE customer_id = $1`, [customerId]),
    );
    const orders = affectedRows(
      await tx.query(`DELETE FROM customer_orders WHERE customer_id = $1`, [customerId]),
    );
    const fragments = affectedRows(
      await tx.query(
        `DELETE FROM access_fragments WHERE request_id IN
           (SELECT request_id FROM subject_requests WHERE customer_id = $1)`,
        [customerId],
      ),
    );
    const packages = affectedRows(
      await tx.query(
        `DELETE FROM access_packages WHERE request_id IN
           (SELECT request_id FROM subject_requests WHERE customer_id = $1)`,
        [customerId],
      ),
    );
    return { directory, orders, fragments, packages };
  }

  async deleteExpiredPackages(now: Date): Promise<number> {
    return affectedRows(
      await this.dataSource.query(`DELETE FROM access_packages WHERE expires_at < $1`, [now]),
    );
  }

  async purgeCodesExpiredBefore(cutoff: Date): Promise<number> {
    return affectedRows(
      await this.dataSource.query(
        `UPDATE subject_requests SET code_hash = NULL WHERE code_hash IS NOT NULL AND code_expires_at < $1`,
        [cutoff],
      ),
    );
  }

  async deleteRequestsClosedBefore(cutoff: Date): Promise<number> {
    return affectedRows(
      await this.dataSource.query(
        `DELETE FROM subject_requests
         WHERE received_at < $1 AND status IN ('completed', 'awaiting-identity', 'identity-refused')`,
        [cutoff],
      ),
    );
  }

  async deleteCustomersWithoutOrdersSince(cutoff: Date): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const stale = returnedRows<{ customer_id: string }>(
        await tx.query(
          `DELETE FROM customer_directory WHERE email_placed_at < $1
             AND NOT EXISTS (SELECT 1 FROM customer_orders o
                             WHERE o.customer_id = customer_directory.customer_id AND o.placed_at >= $1)
           RETURNING customer_id`,
          [cutoff],
        ),
      );
      await tx.query(`DELETE FROM customer_orders WHERE customer_id = ANY($1::text[])`, [
        stale.map((row) => row.customer_id),
      ]);
      return stale.length;
    });
  }
}
