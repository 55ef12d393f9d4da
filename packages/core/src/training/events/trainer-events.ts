import { EventEmitter } from 'eventemitter3';
import {
  Callback,
  type CheckpointContext,
  type EvaluationContext,
  type GradientContext,
  type HookContext,
  type StepContext,
} from '../callback.js';

/** The Trainer's lifecycle events and the context each carries; one per `Callback` hook. */
export interface TrainerEventMap {
  trainStart: [HookContext];
  trainEnd: [HookContext];
  epochStart: [HookContext];
  epochEnd: [HookContext];
  stepStart: [HookContext];
  afterBackward: [GradientContext];
  beforeOptimizerStep: [GradientContext];
  stepEnd: [StepContext];
  evaluate: [EvaluationContext];
  save: [CheckpointContext];
  load: [CheckpointContext];
}

export type TrainerEventName = keyof TrainerEventMap;

export type TrainerEventHandler<E extends TrainerEventName> = (...args: TrainerEventMap[E]) => void | Promise<void>;

/** Which `Callback` method handles which event. */
const CALLBACK_METHODS = {
  trainStart: 'onTrainStart',
  trainEnd: 'onTrainEnd',
  epochStart: 'onEpochStart',
  epochEnd: 'onEpochEnd',
  stepStart: 'onStepStart',
  afterBackward: 'onAfterBackward',
  beforeOptimizerStep: 'onBeforeOptimizerStep',
  stepEnd: 'onStepEnd',
  evaluate: 'onEvaluate',
  save: 'onSave',
  load: 'onLoad',
} as const satisfies { [E in TrainerEventName]: keyof Callback };

/**
 * A typed event bus over eventemitter3. Unlike a plain `emit`, `dispatch` awaits each listener in
 * registration order, so an async handler (a checkpoint write) finishes before the loop moves on and
 * a `control.stop()` it issues is seen by the very next check.
 */
export class TrainerEvents {
  private readonly emitter = new EventEmitter<{
    [E in TrainerEventName]: TrainerEventHandler<E>;
  }>();

  /** Subscribes a handler; returns a function that unsubscribes it. */
  on<E extends TrainerEventName>(event: E, handler: TrainerEventHandler<E>): () => void {
    // eventemitter3's mapped-type signature cannot see through the generic E; the map above is the guarantee.
    const emitter = this.emitter as unknown as EventEmitter<string>;
    emitter.on(event, handler as (...args: unknown[]) => void);
    return () => emitter.off(event, handler as (...args: unknown[]) => void);
  }

  /**
   * Subscribes every hook a callback implements (the base class's no-ops are left out, so that
   * `listenerCount` says whether anyone listens: the Trainer folds gradient clipping into the
   * optimizer when nobody looks at the clipped gradients); returns a function that unsubscribes them.
   */
  attach(callback: Callback): () => void {
    const offs = (Object.keys(CALLBACK_METHODS) as TrainerEventName[]).flatMap((event) => {
      const method = CALLBACK_METHODS[event];
      const hook = callback[method] as (ctx: unknown) => void | Promise<void>;
      if (hook === Callback.prototype[method]) return [];
      return [this.on(event, ((ctx: unknown) => hook.call(callback, ctx)) as TrainerEventHandler<typeof event>)];
    });
    return () => offs.forEach((off) => off());
  }

  /** Runs every handler of `event` in order, awaiting each. */
  async dispatch<E extends TrainerEventName>(event: E, ...args: TrainerEventMap[E]): Promise<void> {
    const listeners = (this.emitter as unknown as EventEmitter<string>).listeners(event) as TrainerEventHandler<E>[];
    for (const listener of listeners) await listener(...args);
  }

  listenerCount(event: TrainerEventName): number {
    return this.emitter.listenerCount(event);
  }
}
