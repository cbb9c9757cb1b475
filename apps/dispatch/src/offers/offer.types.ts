export type OfferState = 'pending' | 'accepted' | 'declined' | 'expired' | 'revoked';

export interface Offer {
  id: string;
  tripId: string;
  driverId: string;
  attempt: number;
  state: OfferState;
  decisionIndex: number | null;
  createdAt: Date;
  expiresAt: Date;
}
