import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { moneyFromJson } from '@coop/money';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput, uuidSchema } from '@coop/platform';
import { tipRequestSchema, tipSchema } from '../ledger.schemas';
import { TipsService } from './tips.service';

@Controller('v1/trips')
export class TipsController {
  constructor(private readonly tips: TipsService) {}

  @ApiDoc({
    tag: 'ledger',
    summary: 'Tip the driver after a completed trip',
    description:
      'One tip per trip, in the fare currency, within the policy limits (maximum amount, optional share of the fare, ' +
      'window after completion). It goes to the driver in full, with no commission. The tip is checked and recorded ' +
      'at once (202, `state: pending`); the ledger posts it shortly after (`state: posted`, read it with GET on the same ' +
      'path, given in `Location`). Sending the same tip again returns its current state (200); another amount for the ' +
      'same trip is `LEDGER_IDEMPOTENCY_CONFLICT`.',
    params: { tripId: uuidSchema },
    body: tipRequestSchema,
    responses: {
      202: { description: 'The tip is recorded; the ledger posts it', schema: tipSchema },
      200: { description: 'This tip was given already: its current state', schema: tipSchema },
    },
    errors: ['TRIP_NOT_FOUND', 'TRIP_NOT_SETTLED', 'TIP_REJECTED', 'LEDGER_IDEMPOTENCY_CONFLICT'],
    idempotent: true,
  })
  @Roles('rider')
  @Post(':tripId/tip')
  async tip(@Param('tripId') tripId: string, @Body() body: unknown, @CurrentPrincipal() rider: Principal, @Res({ passthrough: true }) res: Response) {
    const id = parseInput(uuidSchema, tripId);
    const { tip } = parseInput(tipRequestSchema, body);
    const result = await this.tips.give(rider.memberId, id, moneyFromJson(tip));
    res.status(result.created ? 202 : 200);
    res.setHeader('location', `/v1/trips/${id}/tip`);
    return result.tip;
  }

  @ApiDoc({
    tag: 'ledger',
    summary: 'Your tip on a trip, and whether the ledger has posted it',
    params: { tripId: uuidSchema },
    responses: {
      200: {
        description: 'The tip: `pending` until posted, then `posted` with its time; `failed` with the reason when its event failed for good (nothing posted)',
        schema: tipSchema,
      },
    },
    errors: ['TRIP_NOT_FOUND'],
  })
  @Roles('rider')
  @Get(':tripId/tip')
  state(@Param('tripId') tripId: string, @CurrentPrincipal() rider: Principal) {
    return this.tips.state(rider.memberId, parseInput(uuidSchema, tripId));
  }
}
