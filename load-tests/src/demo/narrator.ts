import { DriverEvent, Money, Point, distanceMetres, formatMoney } from '../sim';

const km = (m: number) => (m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`);
const short = (id: string) => id.slice(0, 8);

/**
 * Turns what the demo's bots see into one readable line per event, the story of each trip
 * told by its rider's and driver's names.
 */
export class Narrator {
  private readonly riderOf = new Map<string, string>();

  constructor(private readonly write: (line: string) => void) {}

  private say(text: string): void {
    this.write(`${new Date().toISOString().slice(11, 19)} [demo] ${text}`);
  }

  note(text: string): void {
    this.say(text);
  }

  requested(rider: string, tripId: string, pickup: Point, dropoff: Point, fare: Money): void {
    this.riderOf.set(tripId, rider);
    this.say(`rider ${rider} requested trip ${short(tripId)} (${km(distanceMetres(pickup, dropoff))} ride, quoted ${formatMoney(fare)})`);
  }

  requestFailed(rider: string, reason: string): void {
    this.say(`rider ${rider} could not request a trip: ${reason}`);
  }

  riderUpdate(rider: string, tripId: string, status: string): void {
    if (status === 'unfulfilled') this.say(`trip ${short(tripId)} for rider ${rider} unfulfilled: no driver took it in time`);
    if (status === 'cancelled') this.say(`trip ${short(tripId)} for rider ${rider} cancelled`);
    if (status === 'matched') this.say(`rider ${rider} told: driver on the way for trip ${short(tripId)}`);
  }

  driver(name: string, event: DriverEvent): void {
    const who = (tripId: string) => `${short(tripId)}${this.riderOf.has(tripId) ? ` (rider ${this.riderOf.get(tripId)})` : ''}`;
    switch (event.type) {
      case 'online':
        this.say(`driver ${name} online`);
        break;
      case 'offer':
        this.say(`trip ${who(event.offer.tripId)} offered to driver ${name} (${km(event.distanceToPickupM)} from pickup, fare ${formatMoney(event.offer.fare)})`);
        break;
      case 'accepted':
        this.say(`driver ${name} accepted trip ${short(event.offer.tripId)}`);
        break;
      case 'declined':
        this.say(`driver ${name} declined an offer (${event.reason})`);
        break;
      case 'revoked':
        this.say(`offer to driver ${name} withdrawn (${event.reason})`);
        break;
      case 'arrived':
        this.say(`driver ${name} at the pickup of trip ${short(event.tripId)}`);
        break;
      case 'started':
        this.say(`driver ${name} started trip ${short(event.tripId)}`);
        break;
      case 'completed':
        this.say(
          `trip ${who(event.tripId)} completed by driver ${name}: ${km(event.distanceMeters)}, ${Math.round(event.durationSeconds / 60)} min, fare ${event.finalFare ? formatMoney(event.finalFare) : '?'}`,
        );
        this.riderOf.delete(event.tripId);
        break;
      case 'disconnected':
        if (event.reason === 'io client disconnect') break; // the demo stopping
        this.say(`driver ${name} disconnected (${event.reason})`);
        break;
      case 'error':
        this.say(`driver ${name}: ${event.during} refused: ${event.code} ${event.message}`);
        break;
      case 'reconnected':
        this.say(`driver ${name} reconnected (${event.url})`);
        break;
      case 'interrupted':
        this.say(`driver ${name}: ${event.during} cut off by the drop; the trip resumes after the reconnect`);
        break;
      case 'fix':
      case 'accept-sent':
        break;
    }
  }
}
