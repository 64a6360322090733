/**
 * A bridge log that tests of the correlator and of the listings written while a log is read both
 * use.
 */

/**
 * Two bridges with local ids of their own (`lc-east`, `lc-west`) that connect together, so that
 * whose remote id is whose is guessed (wrongly); west loses its connection and connects again,
 * which shows it. The lines `between` (a client's, say) go after the CONNACKs, before the loss.
 */
export function twoBridgesGuessed(between: readonly string[] = []): string[] {
  return [
    '1795000000: mosquitto version 2.0.11 starting',
    '1795000000: Bridge lc-east doing local SUBSCRIBE on topic a/#',
    '1795000000: Connecting bridge (step 1) east (127.0.0.1:1884)',
    '1795000000: Bridge lc-west doing local SUBSCRIBE on topic b/#',
    '1795000000: Connecting bridge (step 1) west (127.0.0.1:1885)',
    '1795000001: Bridge rc-west sending CONNECT',
    '1795000001: Bridge rc-east sending CONNECT',
    '1795000001: Received CONNACK on connection lc-west.',
    '1795000001: Received CONNACK on connection lc-east.',
    ...between,
    '1795000010: Client lc-west closed its connection.',
    '1795000013: Bridge lc-west doing local SUBSCRIBE on topic b/#',
    '1795000013: Connecting bridge (step 1) west (127.0.0.1:1885)',
    '1795000013: Bridge rc-west sending CONNECT',
    '1795000013: Received CONNACK on connection lc-west.',
    '1795000030: mosquitto version 2.0.11 terminating',
  ];
}
