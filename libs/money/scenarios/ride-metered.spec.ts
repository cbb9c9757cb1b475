import fixture from './ride-metered.json';
import type { TripFixture } from './scenario-helpers';
import { runTripScenario } from './scenario-helpers';

describe('scenario ride-metered (see description in the fixture)', () => {
  runTripScenario(fixture as TripFixture);
});
