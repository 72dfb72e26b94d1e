import { telemetry } from './instrument'; // keep first: everything below is instrumented
import { ConfigError } from '#lumen/config';
import { createLogger, PinoNestLogger } from '#lumen/observability';
import { loadCheckoutConfig, type CheckoutConfig } from './config/checkout.config';
import { createCheckoutApp } from './checkout-app.factory';

function configOrExit(): CheckoutConfig {
  try {
    return loadCheckoutConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`checkout: ${error.message}`);
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger({ service: 'checkout', level: config.logLevel });
  if (config.developmentIndexSecret) {
    logger.warn(
      'CHECKOUT_INDEX_SECRET is not set: customer e-mails are indexed under the public development secret',
    );
  }
  let app;
  try {
    app = await createCheckoutApp(config, new PinoNestLogger(logger));
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Missing keys, an unreachable database or broker, a port in use: say which, and stop.
    logger.fatal({ err: error }, 'checkout could not start');
    await telemetry.shutdown();
    process.exit(1);
  }
  logger.info(
    { port: config.port, keyService: config.keyServiceUrl, gateways: config.paymentGateways },
    'checkout listening',
  );
  process.once('SIGTERM', () => {
    // Close the app first so its last spans end, then flush them to the backend.
    void app.close().then(() => telemetry.shutdown());
  });
}

void bootstrap();
