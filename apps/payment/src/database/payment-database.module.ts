import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '#lumen/database';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config/payment.config';
import { PAYMENT_MIGRATIONS } from './payment-migrations';

@Injectable()
class DataSourceShutdown implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * The payment schema's data source, global so the messaging module finds it too. Migrations
 * are listed but never run here: provisioning runs them (scripts/provision).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [PAYMENT_CONFIG],
      useFactory: (config: PaymentConfig) =>
        createDataSource({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          applicationName: 'payment',
          migrations: [...PAYMENT_MIGRATIONS],
          // Gateway calls run inside the inbox transaction; leave room for the API.
          poolSize: 20,
        }).initialize(),
    },
    DataSourceShutdown,
  ],
  exports: [DataSource],
})
export class PaymentDatabaseModule {}
