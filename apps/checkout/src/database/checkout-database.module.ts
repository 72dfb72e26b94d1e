import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '#lumen/database';
import { CHECKOUT_CONFIG, type CheckoutConfig } from '../config/checkout.config';
import { CHECKOUT_MIGRATIONS } from './checkout-migrations';

@Injectable()
class DataSourceShutdown implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    // After the messaging lifecycle drained (beforeApplicationShutdown), so nothing is in flight.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The checkout schema's data source, global so the messaging module finds it too. Migrations
 * are listed but never run here: provisioning runs them (scripts/provision).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [CHECKOUT_CONFIG],
      useFactory: (config: CheckoutConfig) =>
        createDataSource({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          applicationName: 'checkout',
          migrations: [...CHECKOUT_MIGRATIONS],
        }).initialize(),
    },
    DataSourceShutdown,
  ],
  exports: [DataSource],
})
export class CheckoutDatabaseModule {}
