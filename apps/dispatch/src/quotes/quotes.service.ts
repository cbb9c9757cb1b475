import { Injectable } from '@nestjs/common';
import { localHour } from '@coop/geo';
import { MoneyError, fareBreakdownToJson, moneyToJson, quoteFare } from '@coop/money';
import { Clock, DomainError } from '@coop/platform';
import { PolicyService } from '../policy/policy.service';
import { QuoteRequest } from './quotes.schemas';
import { QuotesRepository } from './quotes.repository';
import { estimateRoute } from './route-estimate';

/** How long a rider may take to turn a quote into a trip. */
export const QUOTE_TTL_SECONDS = 300;

/** Prices a trip upfront under the policy in force, and stores the quote with its policy hash. */
@Injectable()
export class QuotesService {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly policy: PolicyService,
    private readonly clock: Clock,
  ) {}

  async quote(riderId: string, request: QuoteRequest) {
    const { version, hash, document } = this.policy.inForce();
    // Without a vehicle kind, a ride is priced for a car and a delivery for a bike.
    const vehicleKind = request.vehicleKind ?? (request.kind === 'ride' ? 'car' : 'bike');
    if (!document.matching.vehicleKindsByJob[request.kind].includes(vehicleKind)) {
      throw new DomainError('VALIDATION_FAILED', `the co-op does not offer ${request.kind} by ${vehicleKind}`, [
        { path: 'vehicleKind', message: `not offered for ${request.kind}` },
      ]);
    }
    const now = this.clock.nowMs();
    const route = estimateRoute(request.pickup, request.dropoff, vehicleKind, now, document.matching.eta);
    let fare;
    try {
      fare = quoteFare(document.fares, {
        jobKind: request.kind,
        vehicleKind,
        ...route,
        localHour: localHour(now, document.matching.eta.utcOffsetMinutes),
      });
    } catch (error) {
      if (error instanceof MoneyError && error.code === 'FARE.SERVICE_NOT_OFFERED') {
        throw new DomainError('VALIDATION_FAILED', error.message, [{ path: 'vehicleKind', message: 'not offered' }]);
      }
      throw error;
    }
    const stored = await this.quotes.insert(
      {
        riderId,
        kind: request.kind,
        vehicleKind,
        pickup: request.pickup,
        dropoff: request.dropoff,
        distanceM: route.distanceMeters,
        durationS: route.durationSeconds,
        fareAmount: fare.total.amount,
        currency: fare.total.currency,
        fareBreakdown: fareBreakdownToJson(fare),
        policyVersion: version,
        policyHash: hash,
      },
      QUOTE_TTL_SECONDS,
    );
    return {
      quoteId: stored.id,
      fare: moneyToJson(fare.total),
      breakdown: fareBreakdownToJson(fare),
      vehicleKind,
      distanceMeters: route.distanceMeters,
      durationSeconds: route.durationSeconds,
      policyVersion: version,
      policyHash: hash,
      expiresAt: stored.expiresAt.toISOString(),
    };
  }
}
