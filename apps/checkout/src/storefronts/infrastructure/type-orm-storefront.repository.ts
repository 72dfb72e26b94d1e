import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StorefrontRepository, type Storefront } from '../application/storefront.repository';
import { sameKeyHash } from '../domain/storefront-api-key';

interface StorefrontRow {
  storefront_id: string;
  display_name: string;
  api_key_hash: Buffer;
}

@Injectable()
export class TypeOrmStorefrontRepository extends StorefrontRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async findByKeyHash(keyHash: Buffer): Promise<Storefront | undefined> {
    const rows: StorefrontRow[] = await this.dataSource.query(
      `SELECT storefront_id, display_name, api_key_hash FROM storefronts
       WHERE api_key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    const row = rows[0];
    if (row === undefined || !sameKeyHash(row.api_key_hash, keyHash)) return undefined;
    return { storefrontId: row.storefront_id, displayName: row.display_name };
  }

  async upsert(storefront: Storefront, keyHash: Buffer): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO storefronts (storefront_id, display_name, api_key_hash) VALUES ($1, $2, $3)
       ON CONFLICT (storefront_id) DO UPDATE
         SET display_name = EXCLUDED.display_name, api_key_hash = EXCLUDED.api_key_hash, revoked_at = NULL`,
      [storefront.storefrontId, storefront.displayName, keyHash],
    );
  }
}
