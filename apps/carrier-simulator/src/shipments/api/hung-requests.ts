import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Requests the `hangNext` switch holds without an answer. They are let go (their connection
 * cut, as a crashed carrier's would be) on reset and before shutdown, so closing the server
 * never waits on them.
 */
@Injectable()
export class HungRequests implements BeforeApplicationShutdown {
  private readonly held = new Set<() => void>();

  get count(): number {
    return this.held.size;
  }

  /** Resolves when the request is let go. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.held.add(resolve));
  }

  releaseAll(): void {
    for (const release of this.held) release();
    this.held.clear();
  }

  beforeApplicationShutdown(): void {
    this.releaseAll();
  }
}
