import fixture from './ride-minimum-fare.json';
import type { TripFixture } from './scenario-helpers';
import { runTripScenario } from './scenario-helpers';

describe('scenario ride-minimum-fare (see description in the fixture)', () => {
  runTripScenario(fixture as TripFixture);
});
