// The image's HEALTHCHECK: the service's liveness endpoint on its own port. Node, because the
// slim base image has no curl or wget; built-ins only, so it loads in milliseconds.
const port = process.env.PORT;
const path = process.env.LUMEN_HEALTH_PATH ?? '/health/live';

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(2_000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
