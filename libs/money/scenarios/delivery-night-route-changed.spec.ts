import fixture from './delivery-night-route-changed.json';
import type { TripFixture } from './scenario-helpers';
import { runTripScenario } from './scenario-helpers';

describe('scenario delivery-night-route-changed (see description in the fixture)', () => {
  runTripScenario(fixture as TripFixture);
});
