import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StaffRole } from '#lumen/staff-access';
import { LOCKOUT_MS, MAX_FAILED_ATTEMPTS } from '../domain/lockout';
import { StaffAccountRepository, type StaffAccount } from '../application/staff-account.repository';

interface StaffAccountRow {
  principal_id: string;
  login: string;
  role: StaffRole;
  password_hash: string;
  totp_secret: Buffer | null;
  totp_pending: Buffer | null;
  totp_last_step: string | null;
  failed_attempts: number;
  locked_until: Date | null;
  disabled_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
}

function toAccount(row: StaffAccountRow): StaffAccount {
  return {
    principalId: row.principal_id,
    login: row.login,
    role: row.role,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpPending: row.totp_pending,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    disabledAt: row.disabled_at,
    lastSignInAt: row.last_sign_in_at,
    createdAt: row.created_at,
  };
}

@Injectable()
export class PgStaffAccountRepository extends StaffAccountRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async insert(account: {
    principalId: string;
    login: string;
    role: StaffRole;
    passwordHash: string;
  }): Promise<'inserted' | 'login-taken'> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO staff_accounts (principal_id, login, role, password_hash)
       VALUES ($1, $2, $3, $4) ON CONFLICT (login) DO NOTHING RETURNING principal_id`,
      [account.principalId, account.login, account.role, account.passwordHash],
    );
    return rows.length === 1 ? 'inserted' : 'login-taken';
  }

  override async findByLogin(login: string): Promise<StaffAccount | undefined> {
    const rows: StaffAccountRow[] = await this.dataSource.query(
      `SELECT * FROM staff_accounts WHERE login = $1`,
      [login],
    );
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  override async findById(principalId: string): Promise<StaffAccount | undefined> {
    const rows: StaffAccountRow[] = await this.dataSource.query(
      `SELECT * FROM staff_accounts WHERE principal_id = $1`,
      [principalId],
    );
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  }

  override async list(): Promise<StaffAccount[]> {
    const rows: StaffAccountRow[] = await this.dataSource.query(
      `SELECT * FROM staff_accounts ORDER BY created_at`,
    );
    return rows.map(toAccount);
  }

  override async beginAttempt(principalId: string, now: Date): Promise<'counted' | 'locked'> {
    // One statement: concurrent attempts queue on the row lock and each sees the count the one
    // before it left, so no two attempts can read the same count.
    // TypeORM answers an UPDATE with [returned rows, affected count].
    const [returned]: [unknown[], number] = await this.dataSource.query(
      `UPDATE staff_accounts
          SET failed_attempts = CASE WHEN failed_attempts + 1 >= $3 THEN 0
                                     ELSE failed_attempts + 1 END,
              locked_until    = CASE WHEN failed_attempts + 1 >= $3 THEN $4::timestamptz
                                     ELSE locked_until END
        WHERE principal_id = $1 AND (locked_until IS NULL OR locked_until <= $2)
        RETURNING principal_id`,
      [principalId, now, MAX_FAILED_ATTEMPTS, new Date(now.getTime() + LOCKOUT_MS)],
    );
    return returned.length === 1 ? 'counted' : 'locked';
  }

  override async recordSuccess(
    principalId: string,
    totpStep: number | null,
    signedInAt: Date | null,
  ): Promise<boolean> {
    const [returned]: [unknown[], number] = await this.dataSource.query(
      `UPDATE staff_accounts
          SET failed_attempts = 0, locked_until = NULL,
              last_sign_in_at = COALESCE($2, last_sign_in_at),
              totp_last_step = COALESCE($3, totp_last_step)
        WHERE principal_id = $1
          AND ($3::bigint IS NULL OR totp_last_step IS NULL OR totp_last_step < $3::bigint)
        RETURNING principal_id`,
      [principalId, signedInAt, totpStep],
    );
    return returned.length === 1;
  }

  override async disable(principalId: string, at: Date): Promise<boolean> {
    const [returned]: [unknown[], number] = await this.dataSource.query(
      `UPDATE staff_accounts SET disabled_at = $2
        WHERE principal_id = $1 AND disabled_at IS NULL RETURNING principal_id`,
      [principalId, at],
    );
    return returned.length === 1;
  }

  override async setPendingTotp(principalId: string, secret: Buffer): Promise<void> {
    await this.dataSource.query(
      `UPDATE staff_accounts SET totp_pending = $2 WHERE principal_id = $1`,
      [principalId, secret],
    );
  }

  override async confirmTotp(principalId: string, step: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE staff_accounts
          SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2
        WHERE principal_id = $1 AND totp_pending IS NOT NULL`,
      [principalId, step],
    );
  }
}
