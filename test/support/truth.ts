/**
 * What a scenario driver knows happened, independent of the broker log.
 * Correlator tests compare their output with these files (`fixtures/<name>.truth.json`).
 */

/** How a session ended, in the correlator's vocabulary. */
export type TruthEndReason =
  | 'disconnect'
  | 'closed'
  | 'timeout'
  | 'socket-error'
  | 'takeover'
  | 'protocol-error'
  | 'not-authorised'
  | 'kicked'
  | 'broker-shutdown'
  | 'open'
  | 'other';

/** One client connection that the driver made and saw accepted, in connect order. */
export interface TruthSession {
  client: string;
  endReason: TruthEndReason;
  cleanSession: boolean;
  keepalive: number;
  username?: string;
}

/** A QoS 1/2 message flow the driver deliberately left unfinished (or saw refused). */
export interface TruthFlow {
  client: string;
  /** `in` = client to broker, `out` = broker to client. */
  direction: 'in' | 'out';
  mid: number;
  qos: 1 | 2;
  topic: string;
  state: 'complete' | 'incomplete' | 'refused';
  /** The packet the flow was waiting for when it stopped. */
  stalledAt?: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
}

/** A PUBLISH the broker's access control was set up to deny. */
export interface TruthDeniedPublish {
  client: string;
  qos: 0 | 1 | 2;
  topic: string;
}

/** The truth file for one scenario / fixture. */
export interface ScenarioTruth {
  scenario: string;
  /** Broker version that wrote the log, e.g. `2.0.11`. */
  brokerVersion: string;
  sessions: TruthSession[];
  /** Flows that did not complete; every flow not listed here completed. */
  incompleteFlows: TruthFlow[];
  /** Count of QoS 1/2 flows that completed, per client and direction (`client/in`, `client/out`). */
  completedFlows: Record<string, number>;
  /** Connection attempts refused at CONNECT (bad password, ACL), by address when the id is unknown. */
  refusedConnections: number;
  /** PUBLISH packets the driver sent where the broker's ACL denies them, in the order sent. */
  deniedPublishes?: TruthDeniedPublish[];
  /** Free notes about what the scenario did, for people reading the fixture. */
  notes?: string;
}
