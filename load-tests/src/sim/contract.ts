import { Point } from './geo';

/** Shapes of the client contract (../shared/API.md) that the bots read. */
export interface Money {
  amount: number;
  currency: string;
}

export interface Offer {
  offerId: string;
  tripId: string;
  kind: 'ride' | 'delivery';
  pickup: Point;
  dropoff: Point;
  fare: Money;
  expiresAt: string;
  decisionIndex: number | null;
}

export type TripStatus = 'requested' | 'offered' | 'matched' | 'arrived' | 'in_progress' | 'completed' | 'cancelled' | 'unfulfilled';

export const terminalStatuses: ReadonlySet<TripStatus> = new Set(['completed', 'cancelled', 'unfulfilled']);

export interface TripUpdate {
  tripId: string;
  status: TripStatus;
  driver?: { memberId: string };
}

export interface TripView {
  tripId: string;
  status: TripStatus;
  pickup: Point;
  dropoff: Point;
  fare: Money;
  finalFare?: Money;
  offerCount: number;
  driver?: { memberId: string };
}

export interface Quote {
  quoteId: string;
  fare: Money;
  policyHash: string;
  expiresAt: string;
}

/** "12.40 CAD" from integer minor units. */
export function formatMoney(m: Money): string {
  return `${(m.amount / 100).toFixed(2)} ${m.currency}`;
}
