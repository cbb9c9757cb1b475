import { Body, Controller, Get, Put } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, CurrentPrincipal, DomainError, Principal, Roles, parseInput } from '@coop/platform';
import { maskedView, payoutAccountInputSchema } from './payout-account';
import { PayoutAccountsRepository } from './payout-accounts.repository';

const maskedAccountSchema = z.union([
  z.object({ kind: z.literal('iban'), holderName: z.string(), iban: z.string().describe('Masked: only the last 4 characters'), bic: z.string().nullable(), updatedAt: z.string() }),
  z.object({
    kind: z.literal('canadian'),
    holderName: z.string(),
    canadian: z.object({ institution: z.string(), transit: z.string(), account: z.string().describe('Masked: only the last 4 digits') }),
    updatedAt: z.string(),
  }),
]);

/**
 * A driver's own payout account. Only the caller's own: no route reads another member's
 * account (the treasurer sees it only inside the payment file of a run).
 */
@Controller('v1/members/me/payout-account')
export class PayoutAccountsController {
  constructor(private readonly accounts: PayoutAccountsRepository) {}

  @ApiDoc({
    tag: 'payouts',
    summary: 'Set your payout account',
    description:
      'Either { holderName, iban, bic? } (IBAN checked by its country\'s length and the ISO 13616 mod-97 check digits; BIC by ' +
      'the ISO 9362 shape) or { holderName, canadian: { institution (3 digits), transit (5 digits), account (7-12 digits) } }. ' +
      'Each change is kept (append-only); the newest is used by the next payout run. The answer is masked.',
    body: payoutAccountInputSchema,
    responses: { 200: { description: 'The account, masked', schema: maskedAccountSchema } },
  })
  @Roles('driver')
  @Put()
  async set(@Body() body: unknown, @CurrentPrincipal() driver: Principal) {
    return maskedView(await this.accounts.append(driver.memberId, parseInput(payoutAccountInputSchema, body)));
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'Your payout account, masked (last 4 characters only)',
    responses: { 200: { description: 'The account in use', schema: maskedAccountSchema } },
    errors: ['NOT_FOUND'],
  })
  @Roles('driver')
  @Get()
  async get(@CurrentPrincipal() driver: Principal) {
    const account = await this.accounts.latest(driver.memberId);
    if (!account) throw new DomainError('NOT_FOUND', 'you have no payout account yet');
    return maskedView(account);
  }
}
