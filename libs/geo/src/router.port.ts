import { PointE6 } from './point';
import { VehicleKind } from './vehicle';

/** One origin-destination pair to route. */
export interface RouteLeg {
  from: PointE6;
  to: PointE6;
  vehicleKind: VehicleKind;
}

/**
 * Port for a real road router (an OSRM `table` service, for example). The adapter lives in an
 * app; the matching core never calls it: the app asks the router before deciding and passes
 * the answers in, so the decision records them and replay does not need the router.
 */
export abstract class RouterPort {
  /** Driving durations in whole seconds, one per leg, `null` where the router found no route. */
  abstract durationsSeconds(legs: readonly RouteLeg[], departAtMs: number): Promise<ReadonlyArray<number | null>>;
}
