import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadPaymentConfig } from './config/payment.config';
import { createPaymentApp } from './payment-app.factory';
import { ensureDevelopmentMerchantKey } from './payments/infrastructure/development-enrolment';

async function bootstrap(): Promise<void> {
  const config = loadPaymentConfig();
  const logger = createLogger({ service: 'payment', level: config.logLevel });
  await ensureDevelopmentMerchantKey(config, (message) => {
    logger.info(message);
  });
  const app = await createPaymentApp(config, new PinoNestLogger(logger));
  await app.listen({ port: config.port, host: config.host });
  logger.info({ port: config.port, merchantId: config.merchantId }, 'payment service listening');
  process.once('SIGTERM', () => {
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
