import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, Principal, Roles, parseInput } from '@coop/platform';
import { statementQuerySchema, statementSchema, trialBalanceSchema } from '../ledger.schemas';
import { statementCsv } from './statement-view';
import { StatementsService } from './statements.service';

function range(query: unknown): { from?: Date; to?: Date } {
  const q = parseInput(statementQuerySchema, query ?? {});
  return { ...(q.from ? { from: new Date(q.from) } : {}), ...(q.to ? { to: new Date(q.to) } : {}) };
}

@Controller('v1')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @ApiDoc({
    tag: 'ledger',
    summary: "The caller's statement: entries, each trip's breakdown, balances",
    description:
      'Entries posted in [from, to) with the lines on your own accounts (debit > 0, credit < 0), each trip\'s fare ' +
      'breakdown and split, and each account\'s balance at `from` and at `to`, summed from the journal at read time.',
    query: statementQuerySchema,
    responses: { 200: { description: 'The statement', schema: statementSchema } },
  })
  @Get('members/me/statement')
  statement(@Query() query: unknown, @CurrentPrincipal() member: Principal) {
    return this.statements.statement(member.memberId, range(query));
  }

  @ApiDoc({
    tag: 'ledger',
    summary: "The caller's statement as CSV (one row per line on the caller's accounts)",
    query: statementQuerySchema,
    responses: { 200: { description: 'text/csv: postedAt, transactionId, kind, tripId, accountId, amount, currency, pending' } },
  })
  @Get('members/me/statement.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async statementCsv(@Query() query: unknown, @CurrentPrincipal() member: Principal) {
    return statementCsv(await this.statements.statement(member.memberId, range(query)));
  }

  @ApiDoc({
    tag: 'ledger',
    summary: 'Trial balance: every account, and per-currency totals that are zero',
    responses: { 200: { description: 'The trial balance', schema: trialBalanceSchema } },
  })
  @Roles('treasurer')
  @Get('ledger/trial-balance')
  trialBalance() {
    return this.statements.trialBalance();
  }
}
