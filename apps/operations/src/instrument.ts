import { startTelemetry } from '#lumen/observability';

export const telemetry = startTelemetry({ serviceName: 'operations' });
