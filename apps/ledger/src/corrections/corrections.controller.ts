import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput } from '@coop/platform';
import { correctionRequestSchema, correctionSchema, refundRequestSchema } from '../ledger.schemas';
import { CorrectionsService } from './corrections.service';

const ERRORS = ['LEDGER_ENTRY_NOT_FOUND', 'NOT_REVERSIBLE', 'REFUND_EXCEEDS_CHARGE', 'LEDGER_IDEMPOTENCY_CONFLICT', 'SERVICE_UNAVAILABLE'] as const;

@Controller('v1/ledger')
export class CorrectionsController {
  constructor(private readonly corrections: CorrectionsService) {}

  @ApiDoc({
    tag: 'ledger',
    summary: "Refund a trip's fare, cancellation fee or tip to the rider, in full or in part (treasurer or admin)",
    description:
      "A new `refund` entry that points to the original (`reverses`): it credits the rider's receivable with the " +
      "amount and takes it back from the original's credit lines in proportion: each share in turn, the co-op's first " +
      "(commission, common fund) and the driver's last, gets round-half-even(what is left × its share / the shares left) " +
      'of the cumulative amount refunded, the last share the remainder; so the parts sum to the refund exactly and all ' +
      'refunds of an entry together return each share exactly. Never more than was charged, across any number of partial ' +
      'refunds, concurrent ones too (enforced by the database). Idempotent by `id`: the same body again returns the ' +
      'original (200); another body under the same id is `LEDGER_IDEMPOTENCY_CONFLICT`.',
    body: refundRequestSchema,
    responses: {
      201: { description: 'The refund is posted', schema: correctionSchema },
      200: { description: 'This refund was posted already: the original', schema: correctionSchema },
    },
    errors: [...ERRORS],
    idempotent: true,
  })
  @Roles('treasurer')
  @Post('refunds')
  async refund(@Body() body: unknown, @CurrentPrincipal() member: Principal, @Res({ passthrough: true }) res: Response) {
    const req = parseInput(refundRequestSchema, body);
    const { created, view } = await this.corrections.refund(member.memberId, {
      id: req.id,
      tripId: req.tripId,
      of: req.of,
      reason: req.reason,
      ...(req.amount ? { amount: { amount: BigInt(req.amount.amount), currency: req.amount.currency } } : {}),
    });
    res.status(created ? 201 : 200);
    return view;
  }

  @ApiDoc({
    tag: 'ledger',
    summary: 'Correct a ledger entry by reversing it in full (treasurer or admin)',
    description:
      'A new `reversal` entry that negates every posted line of the original and points to it (`reverses`); post the ' +
      'right entry separately. Only entries that charge a rider (a fare, a cancellation fee, a tip) and that nothing has ' +
      'been refunded from can be corrected, each once. Idempotent by `id` like refunds.',
    body: correctionRequestSchema,
    responses: {
      201: { description: 'The correction is posted', schema: correctionSchema },
      200: { description: 'This correction was posted already: the original', schema: correctionSchema },
    },
    errors: [...ERRORS],
    idempotent: true,
  })
  @Roles('treasurer')
  @Post('corrections')
  async correct(@Body() body: unknown, @CurrentPrincipal() member: Principal, @Res({ passthrough: true }) res: Response) {
    const { created, view } = await this.corrections.correct(member.memberId, parseInput(correctionRequestSchema, body));
    res.status(created ? 201 : 200);
    return view;
  }
}
