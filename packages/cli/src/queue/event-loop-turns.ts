import { Callback } from '@tl/core';

/**
 * Gives the event loop a turn after every optimizer step. A training step's awaits resolve as
 * microtasks, so without this a whole run would pass without a timer firing, and BullMQ renews a
 * job's lock from a timer: a long run would look stalled while its worker is alive, and be run twice.
 */
export class EventLoopTurns extends Callback {
  readonly name = 'event-loop-turns';
  override onStepEnd(): Promise<void> {
    return new Promise((ok) => setImmediate(ok));
  }
}
