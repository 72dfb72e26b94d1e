import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { ConfigError } from '#lumen/config';
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadOperationsConfig, type OperationsConfig } from './config/operations.config';
import { createOperationsApp } from './operations-app.factory';

function configOrExit(): OperationsConfig {
  try {
    return loadOperationsConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`operations: ${error.message}`);
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger({ service: 'operations', level: config.logLevel });
  let app;
  try {
    app = await createOperationsApp(config, new PinoNestLogger(logger));
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    logger.fatal({ err: error }, 'operations could not start');
    await telemetry.shutdown();
    process.exit(1);
  }
  logger.info({ port: config.port, services: config.services }, 'operations page listening');
  process.once('SIGTERM', () => {
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
