import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles, parseInput } from '@coop/platform';
import { quoteRequestSchema } from './quotes.schemas';
import { QuotesService } from './quotes.service';

@Controller('v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Roles('rider')
  @Post()
  @HttpCode(201)
  quote(@Body() body: unknown, @CurrentPrincipal() rider: Principal) {
    return this.quotes.quote(rider.memberId, parseInput(quoteRequestSchema, body));
  }
}
