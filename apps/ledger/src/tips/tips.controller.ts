import { Body, Controller, Param, Post, Res } from '@nestjs/common';
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
    summary: "Tip the driver after a completed trip",
    description:
      'One tip per trip, in the fare currency, within the policy limits (maximum amount, optional share of the fare, ' +
      'window after completion). It goes to the driver in full, with no commission. Sending the same tip again returns ' +
      'the first answer (200); another amount for the same trip is `LEDGER_IDEMPOTENCY_CONFLICT`.',
    params: { tripId: uuidSchema },
    body: tipRequestSchema,
    responses: { 201: { description: 'The tip is posted', schema: tipSchema }, 200: { description: 'This tip was already posted: the same answer', schema: tipSchema } },
    errors: ['TRIP_NOT_FOUND', 'TRIP_NOT_SETTLED', 'TIP_REJECTED', 'LEDGER_IDEMPOTENCY_CONFLICT'],
    idempotent: true,
  })
  @Roles('rider')
  @Post(':tripId/tip')
  async tip(@Param('tripId') tripId: string, @Body() body: unknown, @CurrentPrincipal() rider: Principal, @Res({ passthrough: true }) res: Response) {
    const id = parseInput(uuidSchema, tripId);
    const { tip } = parseInput(tipRequestSchema, body);
    const result = await this.tips.give(rider.memberId, id, moneyFromJson(tip));
    res.status(result.created ? 201 : 200);
    return result.tip;
  }
}
