/**
 * Names of the MQTT reason codes the broker logs in CONNACK and in the acknowledgements of a
 * PUBLISH, for the words of findings and timelines. Codes 1 to 5 of a CONNACK are MQTT 3.1.1's
 * return codes; 128 and above are MQTT 5's, which no 3.1.1 packet carries.
 */

const connackNames: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version', 2: 'identifier rejected', 3: 'server unavailable', 4: 'bad user name or password', 5: 'not authorised',
  128: 'unspecified error', 129: 'malformed packet', 130: 'protocol error', 131: 'implementation specific error', 132: 'unsupported protocol version',
  133: 'client identifier not valid', 134: 'bad user name or password', 135: 'not authorised', 136: 'server unavailable', 137: 'server busy',
  138: 'banned', 140: 'bad authentication method', 144: 'topic name invalid', 149: 'packet too large', 151: 'quota exceeded',
  153: 'payload format invalid', 154: 'retain not supported', 155: 'QoS not supported', 156: 'use another server', 157: 'server moved',
  159: 'connection rate exceeded',
};

const publishAckNames: Readonly<Record<number, string>> = {
  16: 'no matching subscribers', 128: 'unspecified error', 131: 'implementation specific error', 135: 'not authorised',
  144: 'topic name invalid', 145: 'packet identifier in use', 151: 'quota exceeded', 153: 'payload format invalid',
};

/** `5: not authorised`, or the code alone when it has no name. */
export function describeReasonCode(packet: 'connack' | 'publish-ack', code: number): string {
  const name = (packet === 'connack' ? connackNames : publishAckNames)[code];
  return name === undefined ? String(code) : `${code}: ${name}`;
}
