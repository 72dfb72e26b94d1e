import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadCarrierSimulatorConfig } from './config/carrier-simulator.config';
import { createCarrierSimulatorApp } from './carrier-simulator-app.factory';

async function bootstrap(): Promise<void> {
  const config = loadCarrierSimulatorConfig();
  const logger = createLogger({ service: 'carrier-simulator', level: config.logLevel });
  const app = await createCarrierSimulatorApp(config, new PinoNestLogger(logger));
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    {
      port: config.port,
      callbackUrl: config.callbackUrl,
      merchantKeyFile: config.merchantKeyFile,
      signingKeyFile: config.signingKeyFile,
    },
    'carrier simulator listening (POST /v1/shipments; simulator control under /_test)',
  );
  process.once('SIGTERM', () => {
    // Close the app first so its last spans end, then flush them to the backend.
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
