import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `data_keys` (see the CreateKeyTables migration for constraints and triggers). */
@Entity({ name: 'data_keys' })
export class DataKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ name: 'allowed_services', type: 'text', array: true })
  allowedServices!: string[];

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'wrapped_key', type: 'bytea', nullable: true })
  wrappedKey!: Buffer | null;

  @Column({ name: 'master_key_id', type: 'text' })
  masterKeyId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;

  @Column({ name: 'destroy_reason', type: 'text', nullable: true })
  destroyReason!: string | null;
}
