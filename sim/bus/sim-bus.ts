import type { SimContext } from '../context.ts';
import { AmqpBus } from './amqp-bus.ts';
import { MqttExtensionBus } from './mqtt-extension-bus.ts';
import { EmbeddedMqttBroker, type BrokerAuthenticator, type BrokerIdentity } from './mqtt-broker.ts';

/**
 * The simulator's message buses, one set per simulator: the embedded MQTT broker (always) and
 * the RabbitMQ link (with `--amqp URL`). Areas reach them with `simBus(ctx)`.
 */
export class SimBus {
  readonly #authenticators: BrokerAuthenticator[] = [];
  readonly #broker: Promise<EmbeddedMqttBroker>;
  readonly amqp: AmqpBus | undefined;
  /** VCD's side of the extension topics on the embedded broker. */
  readonly mqtt: MqttExtensionBus;

  constructor(ctx: SimContext) {
    this.#broker = EmbeddedMqttBroker.create((username, password) => this.#authenticate(username, password));
    this.mqtt = new MqttExtensionBus(this.#broker);
    this.amqp = ctx.options.amqpUrl ? new AmqpBus(ctx.options.amqpUrl) : undefined;
    ctx.onListening(async (server) => (await this.#broker).attach(server));
    ctx.onClose(async () => {
      await (await this.#broker).close();
      await this.amqp?.close();
    });
  }

  /** Adds a way to log in to the broker (extension tokens, user sessions); the first match wins. */
  addAuthenticator(authenticator: BrokerAuthenticator): void {
    this.#authenticators.push(authenticator);
  }

  #authenticate(username: string, password: string): BrokerIdentity | undefined {
    for (const authenticator of this.#authenticators) {
      const identity = authenticator(username, password);
      if (identity) return identity;
    }
    return undefined;
  }

  broker(): Promise<EmbeddedMqttBroker> {
    return this.#broker;
  }
}

const buses = new WeakMap<SimContext, SimBus>();

/** The buses of this simulator, created on first use. */
export function simBus(ctx: SimContext): SimBus {
  let bus = buses.get(ctx);
  if (!bus) {
    bus = new SimBus(ctx);
    buses.set(ctx, bus);
  }
  return bus;
}
