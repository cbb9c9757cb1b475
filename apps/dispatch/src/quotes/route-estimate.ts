import { EtaModelParams, haversineMetres, modelEtaSeconds, toPointE6 } from '@coop/geo';
import type { Point } from '@coop/platform';
import type { VehicleKind } from '../trips/trip.types';

/**
 * The route a quote prices: straight-line distance times the policy's detour factor, and
 * the model's driving time for it (without the pickup overhead, which is not the rider's).
 */
export function estimateRoute(pickup: Point, dropoff: Point, vehicle: VehicleKind, nowMs: number, eta: EtaModelParams) {
  const straight = haversineMetres(toPointE6(pickup), toPointE6(dropoff));
  const distanceMeters = Math.ceil((straight * eta.detourPermille) / 1000);
  const durationSeconds = modelEtaSeconds(straight, vehicle, nowMs, eta) - eta.pickupOverheadSeconds;
  return { distanceMeters, durationSeconds };
}
