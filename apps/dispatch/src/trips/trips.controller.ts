import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput, uuidSchema } from '@coop/platform';
import { cancelSchema, tripRequestSchema, tripSchema } from './trips.schemas';
import { TripsService } from './trips.service';

@Controller('v1/trips')
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  /** 201 with the new trip; 200 with the same trip when the quote was already used for it. */
  @ApiDoc({
    tag: 'trips',
    summary: 'Request a trip from a quote',
    description: 'Stores the trip as `requested` with the upfront fare and policy of the quote, then dispatches it. Follow it on the `/riders` socket.',
    body: tripRequestSchema,
    responses: { 201: { description: 'The new trip', schema: tripSchema }, 200: { description: 'The quote was already used for this trip: the same trip', schema: tripSchema } },
    errors: ['QUOTE_NOT_FOUND', 'QUOTE_EXPIRED', 'QUOTE_ALREADY_USED', 'RIDER_HAS_ACTIVE_TRIP'],
    idempotent: true,
  })
  @Roles('rider')
  @Post()
  async request(@Body() body: unknown, @CurrentPrincipal() rider: Principal, @Res({ passthrough: true }) res: Response) {
    const { created, trip } = await this.trips.request(rider.memberId, parseInput(tripRequestSchema, body).quoteId);
    res.status(created ? 201 : 200);
    return trip;
  }

  @ApiDoc({
    tag: 'trips',
    summary: 'A trip, for its rider, its driver or an admin',
    params: { tripId: uuidSchema },
    responses: { 200: { description: 'The trip', schema: tripSchema } },
    errors: ['TRIP_NOT_FOUND', 'NOT_YOUR_TRIP'],
  })
  @Get(':tripId')
  get(@Param('tripId') tripId: string, @CurrentPrincipal() principal: Principal) {
    return this.trips.get(principal, parseInput(uuidSchema, tripId));
  }

  @ApiDoc({
    tag: 'trips',
    summary: 'Cancel a trip before it starts',
    params: { tripId: uuidSchema },
    body: cancelSchema,
    responses: { 200: { description: 'The cancelled trip', schema: tripSchema } },
    errors: ['TRIP_NOT_FOUND', 'NOT_YOUR_TRIP', 'TRIP_NOT_CANCELLABLE'],
    idempotent: true,
  })
  @Roles('rider')
  @Post(':tripId/cancel')
  @HttpCode(200)
  cancel(@Param('tripId') tripId: string, @Body() body: unknown, @CurrentPrincipal() rider: Principal) {
    return this.trips.cancel(rider.memberId, parseInput(uuidSchema, tripId), parseInput(cancelSchema, body ?? {}).reason);
  }
}
