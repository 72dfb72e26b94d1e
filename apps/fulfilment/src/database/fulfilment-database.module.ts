import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '#lumen/database';
import { FULFILMENT_CONFIG, type FulfilmentConfig } from '../config/fulfilment.config';
import { FULFILMENT_MIGRATIONS } from './fulfilment-migrations';

@Injectable()
class DataSourceShutdown implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    // After the messaging lifecycle and the handover worker drained, so nothing is in flight.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The fulfilment schema's data source, global so the messaging module finds it too.
 * Migrations are listed but never run here: provisioning runs them (scripts/provision).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [FULFILMENT_CONFIG],
      useFactory: (config: FulfilmentConfig) =>
        createDataSource({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          applicationName: 'fulfilment',
          migrations: [...FULFILMENT_MIGRATIONS],
        }).initialize(),
    },
    DataSourceShutdown,
  ],
  exports: [DataSource],
})
export class FulfilmentDatabaseModule {}
