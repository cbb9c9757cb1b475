import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal, Principal, Roles, parseInput, textSchema, uuidSchema } from '@coop/platform';
import { TripsService } from './trips.service';

const tripRequestSchema = z.strictObject({ quoteId: uuidSchema });
const cancelSchema = z.strictObject({ reason: textSchema.max(200).optional() });

@Controller('v1/trips')
export class TripsController {
  constructor(private readonly trips: TripsService) {}

  /** 201 with the new trip; 200 with the same trip when the quote was already used for it. */
  @Roles('rider')
  @Post()
  async request(@Body() body: unknown, @CurrentPrincipal() rider: Principal, @Res({ passthrough: true }) res: Response) {
    const { created, trip } = await this.trips.request(rider.memberId, parseInput(tripRequestSchema, body).quoteId);
    res.status(created ? 201 : 200);
    return trip;
  }

  @Get(':tripId')
  get(@Param('tripId') tripId: string, @CurrentPrincipal() principal: Principal) {
    return this.trips.get(principal, parseInput(uuidSchema, tripId));
  }

  @Roles('rider')
  @Post(':tripId/cancel')
  @HttpCode(200)
  cancel(@Param('tripId') tripId: string, @Body() body: unknown, @CurrentPrincipal() rider: Principal) {
    return this.trips.cancel(rider.memberId, parseInput(uuidSchema, tripId), parseInput(cancelSchema, body ?? {}).reason);
  }
}
