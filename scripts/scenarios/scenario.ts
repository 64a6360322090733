import type { Broker, BrokerOptions } from '../../test/support/broker.js';
import type { ScenarioTruth } from '../../test/support/truth.js';

/**
 * What every module in scripts/scenarios/ exports. `run` drives a broker already started with
 * `brokerOptions`, returns once every client it made has settled (the broker may still run, or
 * have been stopped by the scenario as part of its story), and
 * fills the truth only from what its own clients did and saw.
 */
export interface ScenarioModule {
  readonly brokerOptions: BrokerOptions;
  run(broker: Broker): Promise<ScenarioTruth>;
}
