/**
 * Waits until a service's `/health/ready` answers 200: its dependencies answer and its consumer
 * has joined its group. A service listens before it has joined (the HTTP API does not wait for
 * the group), so a test that publishes events for it right after start waits for this first.
 */
export async function untilReady(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let answer: string;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/health/ready`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status === 200) return;
      answer = await response.text();
    } catch (error) {
      answer = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${baseUrl} was not ready: ${answer}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
