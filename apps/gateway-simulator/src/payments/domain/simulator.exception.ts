export type SimulatorErrorCode =
  'invalid-request' | 'unauthenticated' | 'not-found' | 'conflict' | 'invalid-state';

/** An expected refusal of the simulator, mapped to an HTTP status in one place. */
export class SimulatorException extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorException';
  }
}

export function statusOf(code: SimulatorErrorCode): number {
  switch (code) {
    case 'invalid-request':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'invalid-state':
      return 422;
  }
}
