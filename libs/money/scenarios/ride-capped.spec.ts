import fixture from './ride-capped.json';
import type { TripFixture } from './scenario-helpers';
import { runTripScenario } from './scenario-helpers';

describe('scenario ride-capped (see description in the fixture)', () => {
  runTripScenario(fixture as TripFixture);
});
