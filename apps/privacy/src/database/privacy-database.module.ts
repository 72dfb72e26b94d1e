import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '#lumen/database';
import { PRIVACY_CONFIG, type PrivacyConfig } from '../config/privacy.config';
import { DataKeyEntity } from '../keys/infrastructure/data-key.entity';
import { KeyAuditEntryEntity } from '../keys/infrastructure/key-audit-entry.entity';
import { PRIVACY_MIGRATIONS } from './privacy-migrations';

@Injectable()
class DataSourceShutdown implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    // After the messaging lifecycle drained (beforeApplicationShutdown), so nothing is in flight.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The privacy schema's data source, global so the messaging module finds it too. Migrations
 * are listed but never run here: provisioning runs them (scripts/provision).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [PRIVACY_CONFIG],
      useFactory: (config: PrivacyConfig) =>
        createDataSource({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          applicationName: 'privacy',
          entities: [DataKeyEntity, KeyAuditEntryEntity],
          migrations: [...PRIVACY_MIGRATIONS],
        }).initialize(),
    },
    DataSourceShutdown,
  ],
  exports: [DataSource],
})
export class PrivacyDatabaseModule {}
