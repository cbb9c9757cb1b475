/** Vehicle kinds the driver app reports (API.md `driver:online`). */
export type VehicleKind = 'bike' | 'cargo_bike' | 'car' | 'van';

/** Every vehicle kind, in a fixed order used wherever kinds are listed. */
export const VEHICLE_KINDS: readonly VehicleKind[] = ['bike', 'cargo_bike', 'car', 'van'];

/** True when `s` names a vehicle kind; narrows untrusted input. */
export function isVehicleKind(s: unknown): s is VehicleKind {
  return typeof s === 'string' && (VEHICLE_KINDS as readonly string[]).includes(s);
}
