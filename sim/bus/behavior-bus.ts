import type { SimContext } from '../context.ts';
import { deliverBehaviorResponse, setBehaviorDispatcher } from '../api/rde/behavior-dispatcher.ts';
import { simBus } from './sim-bus.ts';

/**
 * Connects RDE behaviours to the embedded broker: `BEHAVIOR_INVOCATION`s go to the extension's
 * monitor topic, and every `BEHAVIOR_RESPONSE` an extension publishes on its respond topic goes
 * back to the RDE area, which matches it to the task (reference §3.7).
 */
export function connectBehaviors(ctx: SimContext): void {
  const bus = simBus(ctx);
  setBehaviorDispatcher(ctx, {
    // Nobody subscribed is not an error: the behaviour's task times out, as in VCD.
    invoke: (invocation) =>
      void bus.mqtt.publish(invocation.topic, invocation.message).catch(() => undefined),
  });
  const stop = bus.mqtt.onBehaviorResponse((response) => deliverBehaviorResponse(ctx, response.message));
  ctx.onClose(() => {
    stop();
    setBehaviorDispatcher(ctx, undefined);
  });
}
