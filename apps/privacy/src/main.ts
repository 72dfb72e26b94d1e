import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadPrivacyConfig } from './config/privacy.config';
import { createPrivacyApp } from './privacy-app.factory';

async function bootstrap(): Promise<void> {
  const config = loadPrivacyConfig();
  const logger = createLogger({ service: 'privacy', level: config.logLevel });
  if (config.developmentMasterKey) {
    logger.warn(
      'LUMEN_MASTER_KEY is not set: data keys are wrapped under the public development master key',
    );
  }
  const app = await createPrivacyApp(config, new PinoNestLogger(logger));
  await app.listen({ port: config.port, host: config.host });
  logger.info({ port: config.port, masterKeyId: config.masterKey.id }, 'privacy service listening');
  process.once('SIGTERM', () => {
    // Close the app first so its last spans end, then flush them to the backend.
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
