import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { createLogger } from '#lumen/observability';
import { loadFulfilmentConfig } from './config/fulfilment.config';
import { createFulfilmentApp } from './fulfilment-app.factory';

async function bootstrap(): Promise<void> {
  const config = loadFulfilmentConfig();
  const logger = createLogger({ service: 'fulfilment', level: config.logLevel });
  const app = await createFulfilmentApp(config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { port: config.port, carrier: config.carrier.name, carrierUrl: config.carrier.url },
    'fulfilment service listening',
  );
  process.once('SIGTERM', () => {
    // Close the app first so its last spans end, then flush them to the backend.
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
