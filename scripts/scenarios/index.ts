import * as aclDenial from './acl-denial.js';
import * as badPassword from './bad-password.js';
import * as cleanQos from './clean-qos.js';
import * as keepaliveTimeout from './keepalive-timeout.js';
import * as killedClient from './killed-client.js';
import * as lastWill from './last-will.js';
import * as persistentSession from './persistent-session.js';
import * as retained from './retained.js';
import * as sample from './sample.js';
import type { ScenarioModule } from './scenario.js';
import * as stalledQos2 from './stalled-qos2.js';
import * as takeover from './takeover.js';

/**
 * Every scenario by name; the name is also the fixture's base name (`fixtures/<name>.log`).
 * `sample` is the richer mixed run that `npm start` analyses.
 */
export const scenarios = {
  'clean-qos': cleanQos,
  'keepalive-timeout': keepaliveTimeout,
  'killed-client': killedClient,
  takeover,
  'bad-password': badPassword,
  'acl-denial': aclDenial,
  'last-will': lastWill,
  retained,
  'persistent-session': persistentSession,
  'stalled-qos2': stalledQos2,
  sample,
} as const satisfies Record<string, ScenarioModule>;

/** A scenario's name. */
export type ScenarioName = keyof typeof scenarios;

/** Scenarios also captured with `log_timestamp_format %Y-%m-%dT%H:%M:%S` as `<name>.iso.log`. */
export const isoVariants: readonly ScenarioName[] = ['clean-qos', 'stalled-qos2'];
