import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';
import { connectTracked } from './mqttjs-client.js';
import { TruthRecorder } from './truth-recorder.js';
import { until } from './wait.js';

/** Rules for anonymous clients (the lines before any `user` line of an ACL file). */
export const brokerOptions: BrokerOptions = {
  acl: ['# anonymous clients', 'topic read public/#', 'topic readwrite sandbox/#', 'topic write secret/#', ''].join('\n'),
};

/**
 * ACL denials, with MQTT v5 clients so refusals are visible on the wire as reason codes.
 * `acl-writer` publishes QoS 1 and QoS 2 to read-only `public/news` (refused with 0x87), QoS 0
 * there (dropped without a word), QoS 1 to
 * write-only `secret/plans` (accepted) and QoS 1 to `sandbox/ok` (accepted). `acl-reader`
 * subscribes to all three trees but may read only `public/#` and `sandbox/#`, so of the accepted
 * messages it receives only the sandbox one.
 */
export async function run(broker: Broker): Promise<ScenarioTruth> {
  const truth = new TruthRecorder('acl-denial', broker.version);
  const reader = await connectTracked(broker, truth, 'acl-reader', { protocolVersion: 5 });
  const grants = await reader.client.subscribeAsync(
    { 'public/#': { qos: 1 }, 'secret/#': { qos: 1 }, 'sandbox/#': { qos: 1 } },
  );
  const writer = await connectTracked(broker, truth, 'acl-writer', { protocolVersion: 5 });

  const refusals: string[] = [];
  for (const qos of [1, 2] as const) {
    truth.denyPublish({ client: 'acl-writer', qos, topic: 'public/news' });
    await writer.client.publishAsync('public/news', `writer may not publish here (QoS ${qos})`, { qos }).catch((error: Error) => {
      refusals.push(`QoS ${qos}: ${error.message}`);
    });
  }
  // At QoS 0 the broker drops the message without a word to the client.
  truth.denyPublish({ client: 'acl-writer', qos: 0, topic: 'public/news' });
  await writer.client.publishAsync('public/news', 'writer may not publish here (QoS 0)', { qos: 0 });
  await writer.client.publishAsync('secret/plans', 'reader may not read this', { qos: 1 });
  await writer.client.publishAsync('sandbox/ok', 'everyone may read this', { qos: 1 });
  // Same publisher, same broker loop: once sandbox/ok has arrived, secret/plans would have too.
  await until(() => reader.received.some((m) => m.topic === 'sandbox/ok') && reader.completed.out === 1, 'acl-reader to get sandbox/ok');
  const secretDelivered = reader.received.some((m) => m.topic.startsWith('secret/'));

  await writer.end();
  await reader.end();

  const granted = grants.map((g) => `${g.topic}=${g.qos}`).join(', ');
  truth.note(`acl-reader SUBACK granted ${granted}.`);
  truth.note(`acl-writer's publishes to public/news were refused (${refusals.length} of 2: ${refusals.join('; ')}).`);
  truth.note(`secret/plans was accepted from acl-writer and ${secretDelivered ? 'WAS' : 'was not'} delivered to acl-reader; sandbox/ok was delivered.`);
  return truth.toTruth();
}
