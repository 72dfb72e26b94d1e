import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Row of `key_audit`: append-only (a trigger refuses updates). */
@Entity({ name: 'key_audit' })
export class KeyAuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  caller!: string;

  @Column({ name: 'caller_verified', type: 'boolean' })
  callerVerified!: boolean;

  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'text' })
  reason!: string;
}
