/** Raised at boot when the environment does not satisfy an app's schema. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the variables above (see docs/deploy.md for each one) and start again.',
    );
    this.name = 'ConfigError';
  }
}
