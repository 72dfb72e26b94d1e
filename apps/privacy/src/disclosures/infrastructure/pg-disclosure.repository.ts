import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DisclosureRepository } from '../application/disclosure.repository';
import type { DisclosableField, Disclosure } from '../domain/disclosure';

interface Row {
  disclosure_id: string;
  subject: string;
  requesting_body: string;
  legal_basis: string;
  scope: DisclosableField[];
  reference: string;
  requested_by: string;
  requested_at: Date;
  first_approver: string | null;
  first_approved_at: Date | null;
  second_approver: string | null;
  second_approved_at: Date | null;
  exported_at: Date | null;
  restricted_until: string | null;
  restriction_reason: string | null;
}

function toDisclosure(row: Row): Disclosure {
  const approvals: { by: string; at: Date }[] = [];
  if (row.first_approver !== null && row.first_approved_at !== null)
    approvals.push({ by: row.first_approver, at: row.first_approved_at });
  if (row.second_approver !== null && row.second_approved_at !== null)
    approvals.push({ by: row.second_approver, at: row.second_approved_at });
  return {
    disclosureId: row.disclosure_id,
    subject: row.subject,
    requestingBody: row.requesting_body,
    legalBasis: row.legal_basis,
    scope: row.scope,
    reference: row.reference,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    approvals,
    exportedAt: row.exported_at,
    restriction:
      row.restricted_until === null || row.restriction_reason === null
        ? null
        : { until: row.restricted_until, reason: row.restriction_reason },
  };
}

const SELECT = `SELECT disclosure_id, subject, requesting_body, legal_basis, scope, reference,
  requested_by, requested_at, first_approver, first_approved_at, second_approver,
  second_approved_at, exported_at, to_char(restricted_until, 'YYYY-MM-DD') AS restricted_until,
  restriction_reason FROM disclosures`;

@Injectable()
export class PgDisclosureRepository extends DisclosureRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async insert(d: Disclosure): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO disclosures (disclosure_id, subject, requesting_body, legal_basis, scope,
         reference, requested_by, requested_at, restricted_until, restriction_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        d.disclosureId,
        d.subject,
        d.requestingBody,
        d.legalBasis,
        d.scope,
        d.reference,
        d.requestedBy,
        d.requestedAt,
        d.restriction?.until ?? null,
        d.restriction?.reason ?? null,
      ],
    );
  }

  override async find(disclosureId: string): Promise<Disclosure | undefined> {
    const rows: Row[] = await this.dataSource.query(`${SELECT} WHERE disclosure_id = $1`, [
      disclosureId,
    ]);
    return rows[0] === undefined ? undefined : toDisclosure(rows[0]);
  }

  override async aboutSubject(subject: string): Promise<Disclosure[]> {
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} WHERE subject = $1 ORDER BY requested_at`,
      [subject],
    );
    return rows.map(toDisclosure);
  }

  override async addApproval(
    disclosureId: string,
    approver: string,
    at: Date,
    position: 1 | 2,
  ): Promise<boolean> {
    // The WHERE clause is the race guard; the CHECK constraint keeps the two approvers distinct.
    const sql =
      position === 1
        ? `UPDATE disclosures SET first_approver = $2, first_approved_at = $3
            WHERE disclosure_id = $1 AND first_approver IS NULL RETURNING disclosure_id`
        : `UPDATE disclosures SET second_approver = $2, second_approved_at = $3
            WHERE disclosure_id = $1 AND first_approver IS NOT NULL AND first_approver <> $2
              AND second_approver IS NULL RETURNING disclosure_id`;
    // TypeORM answers an UPDATE with [returned rows, affected count].
    const [returned]: [unknown[], number] = await this.dataSource.query(sql, [
      disclosureId,
      approver,
      at,
    ]);
    return returned.length === 1;
  }

  override async markExported(disclosureId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE disclosures SET exported_at = COALESCE(exported_at, $2) WHERE disclosure_id = $1`,
      [disclosureId, at],
    );
  }

  override async restrict(
    disclosureId: string,
    restriction: { until: string; reason: string } | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE disclosures SET restricted_until = $2, restriction_reason = $3 WHERE disclosure_id = $1`,
      [disclosureId, restriction?.until ?? null, restriction?.reason ?? null],
    );
  }
}
