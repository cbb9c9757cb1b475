import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput } from '@coop/platform';
import { quoteRequestSchema, quoteSchema } from './quotes.schemas';
import { QuotesService } from './quotes.service';

@Controller('v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @ApiDoc({
    tag: 'trips',
    summary: 'An upfront fare for a ride or a delivery',
    description: 'The fare comes from the policy fare table in force; the quote carries that policy hash and expires after a few minutes.',
    body: quoteRequestSchema,
    responses: { 201: { description: 'The quote', schema: quoteSchema } },
    idempotent: true,
  })
  @Roles('rider')
  @Post()
  @HttpCode(201)
  quote(@Body() body: unknown, @CurrentPrincipal() rider: Principal) {
    return this.quotes.quote(rider.memberId, parseInput(quoteRequestSchema, body));
  }
}
