import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadGatewaySimulatorConfig } from './config/gateway-simulator.config';
import { createGatewaySimulatorApp } from './gateway-simulator-app.factory';

async function bootstrap(): Promise<void> {
  const config = loadGatewaySimulatorConfig();
  const logger = createLogger({ service: 'gateway-simulator', level: config.logLevel });
  const app = await createGatewaySimulatorApp(config, new PinoNestLogger(logger));
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { port: config.port, dataDir: config.dataDir },
    'gateway simulator listening; pin <dataDir>/root.json, operator token in <dataDir>/operator-token',
  );
  process.once('SIGTERM', () => {
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
