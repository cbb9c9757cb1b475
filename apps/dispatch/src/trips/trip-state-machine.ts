/**
 * The trip lifecycle, in one table. Everything that changes a trip's status asks this
 * module which statuses the change may start from; the repository turns that set into a
 * conditional UPDATE, so the database decides races with the same rules.
 */
export const tripStatuses = [
  'requested',
  'offered',
  'matched',
  'arrived',
  'in_progress',
  'completed',
  'cancelled',
  'unfulfilled',
] as const;
export type TripStatus = (typeof tripStatuses)[number];

export type TripEvent =
  | 'offer_made' // the matcher offered the trip to a driver
  | 'offer_lapsed' // the driver declined or let the offer expire: searching again
  | 'driver_accepted'
  | 'driver_arrived'
  | 'trip_started'
  | 'trip_completed'
  | 'rider_cancelled'
  | 'search_exhausted'; // no driver within the policy's limits

/** Who may cause each event. */
export type Actor = 'rider' | 'driver' | 'system';

interface Rule {
  from: readonly TripStatus[];
  to: TripStatus;
  by: Actor;
}

const rules: Record<TripEvent, Rule> = {
  offer_made: { from: ['requested'], to: 'offered', by: 'system' },
  offer_lapsed: { from: ['offered'], to: 'requested', by: 'system' },
  driver_accepted: { from: ['offered'], to: 'matched', by: 'driver' },
  driver_arrived: { from: ['matched'], to: 'arrived', by: 'driver' },
  trip_started: { from: ['arrived'], to: 'in_progress', by: 'driver' },
  trip_completed: { from: ['in_progress'], to: 'completed', by: 'driver' },
  rider_cancelled: { from: ['requested', 'offered', 'matched', 'arrived'], to: 'cancelled', by: 'rider' },
  search_exhausted: { from: ['requested', 'offered'], to: 'unfulfilled', by: 'system' },
};

export const terminalStatuses: readonly TripStatus[] = ['completed', 'cancelled', 'unfulfilled'];

/** The statuses an event may start from. */
export function allowedFrom(event: TripEvent): readonly TripStatus[] {
  return rules[event].from;
}

/** The status an event leads to. */
export function targetOf(event: TripEvent): TripStatus {
  return rules[event].to;
}

/** Who may cause the event. */
export function actorOf(event: TripEvent): Actor {
  return rules[event].by;
}

/** The next status, or undefined when the event is not allowed from `status`. */
export function nextStatus(status: TripStatus, event: TripEvent): TripStatus | undefined {
  const rule = rules[event];
  return rule.from.includes(status) ? rule.to : undefined;
}

/** True once a trip can change no more. */
export function isTerminal(status: TripStatus): boolean {
  return terminalStatuses.includes(status);
}

/** The events the table defines (for exhaustive tests). */
export const tripEvents = Object.keys(rules) as TripEvent[];
