import type { Logger } from '../../log';

/**
 * Work that runs after a turn has answered (enabling protection, triggering a backup): a turn never waits on it.
 * Failures are logged here (the work itself reports to the user by updating its card); `idle()` lets a graceful
 * shutdown, or a test, wait for what is in flight.
 */
export class Background {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, work: () => Promise<void>): void {
    const p: Promise<void> = Promise.resolve()
      .then(work)
      .catch((err: unknown) => this.logger.error({ err, work: name }, 'background work failed'))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
