import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, CurrentPrincipal, DomainError, Principal, Roles, parseInput, uuidSchema } from '@coop/platform';
import { PayoutItem, PayoutRun, PayoutRunsRepository, PayoutSkip } from './payout-runs.repository';
import { PayoutRunner } from './payout-runner.service';
import { payoutItemSchema, payoutRunSchema, payoutSkipSchema, runListQuerySchema, startRunSchema } from './payouts.schemas';

function itemView(i: PayoutItem) {
  return {
    runId: i.runId, seq: i.seq, driverId: i.driverId, amount: { amount: Number(i.amount), currency: i.currency },
    transactionId: i.transactionId, endToEndId: i.endToEndId, status: i.status, providerRef: i.providerRef, failure: i.failure,
  };
}

function skipView(s: PayoutSkip) {
  return { runId: s.runId, driverId: s.driverId, amount: { amount: Number(s.amount), currency: s.currency }, reason: s.reason };
}

@Controller('v1/payouts')
export class PayoutsController {
  constructor(
    private readonly runner: PayoutRunner,
    private readonly runs: PayoutRunsRepository,
  ) {}

  private async view(run: PayoutRun) {
    const items = await this.runs.items(run.id);
    const total = items.length ? { amount: items.reduce((s, i) => s + Number(i.amount), 0), currency: items[0]!.currency } : null;
    const skipped = (await this.runs.skips(run.id)).map(skipView);
    return { ...run, minimumAmount: Number(run.minimumAmount), items: items.map(itemView), skipped, total };
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'Start (or resume) a payout run',
    description:
      'Pays every driver whose payable balance is at least the policy minimum: one ledger entry each, a pain.001.001.09 file ' +
      'and a CSV, each transfer submitted to the payment provider. The same runKey again resumes or returns that run, so a ' +
      'retry after a crash or timeout pays nobody twice. An unfinished run with another key is finished first.',
    body: startRunSchema,
    responses: { 200: { description: 'The run as it stands', schema: payoutRunSchema } },
    errors: ['PAYOUT_RUN_IN_PROGRESS'],
  })
  @Roles('treasurer')
  @HttpCode(200)
  @Post('runs')
  async start(@Body() body: unknown, @CurrentPrincipal() treasurer: Principal) {
    const { runKey } = parseInput(startRunSchema, body);
    return this.view(await this.runner.start(runKey, treasurer.memberId));
  }

  @ApiDoc({ tag: 'payouts', summary: 'Payout runs, newest first', query: runListQuerySchema, responses: { 200: { description: 'Runs', schema: z.object({ runs: z.array(payoutRunSchema) }) } } })
  @Roles('treasurer')
  @Get('runs')
  async list(@Query() query: unknown) {
    const { limit } = parseInput(runListQuerySchema, query ?? {});
    return { runs: await Promise.all((await this.runs.list(limit)).map((r) => this.view(r))) };
  }

  @ApiDoc({ tag: 'payouts', summary: 'One payout run', params: { runId: uuidSchema }, responses: { 200: { description: 'The run', schema: payoutRunSchema } }, errors: ['PAYOUT_RUN_NOT_FOUND'] })
  @Roles('treasurer')
  @Get('runs/:runId')
  async get(@Param('runId') id: string) {
    return this.view(await this.runner.get(parseInput(uuidSchema, id)));
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'Resume a run from where it stopped',
    params: { runId: uuidSchema },
    responses: { 200: { description: 'The run', schema: payoutRunSchema } },
    errors: ['PAYOUT_RUN_NOT_FOUND'],
  })
  @Roles('treasurer')
  @HttpCode(200)
  @Post('runs/:runId/resume')
  async resume(@Param('runId') id: string) {
    return this.view(await this.runner.resume(parseInput(uuidSchema, id)));
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'Retry one failed payment of a run',
    params: { runId: uuidSchema, driverId: uuidSchema },
    responses: { 200: { description: 'The payment', schema: payoutItemSchema } },
    errors: ['PAYOUT_RUN_NOT_FOUND', 'NOT_FOUND', 'PAYOUT_NOT_FAILED'],
  })
  @Roles('treasurer')
  @HttpCode(200)
  @Post('runs/:runId/items/:driverId/retry')
  async retry(@Param('runId') runId: string, @Param('driverId') driverId: string) {
    return itemView(await this.runner.retry(parseInput(uuidSchema, runId), parseInput(uuidSchema, driverId)));
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'The run\'s ISO 20022 pain.001.001.09 credit transfer file',
    params: { runId: uuidSchema },
    responses: { 200: { description: 'application/xml' } },
    errors: ['PAYOUT_RUN_NOT_FOUND', 'NOT_FOUND'],
  })
  @Roles('treasurer')
  @Header('content-type', 'application/xml; charset=utf-8')
  @Get('runs/:runId/pain001.xml')
  async xml(@Param('runId') id: string) {
    return this.file(id, 'xml');
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'The run\'s payment file as CSV',
    params: { runId: uuidSchema },
    responses: { 200: { description: 'text/csv' } },
    errors: ['PAYOUT_RUN_NOT_FOUND', 'NOT_FOUND'],
  })
  @Roles('treasurer')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Get('runs/:runId/payouts.csv')
  async csv(@Param('runId') id: string) {
    return this.file(id, 'csv');
  }

  @ApiDoc({
    tag: 'payouts',
    summary: 'Your payouts and the ledger entry behind each',
    description: 'Also the runs that did not pay you and why (NO_PAYOUT_ACCOUNT: set one at /v1/members/me/payout-account; the balance waits for the next run).',
    responses: {
      200: {
        description: 'Payouts and skips, newest first',
        schema: z.object({ payouts: z.array(payoutItemSchema.extend({ runCreatedAt: z.string() })), skipped: z.array(payoutSkipSchema.extend({ runCreatedAt: z.string() })) }),
      },
    },
  })
  @Roles('driver')
  @Get('me')
  async mine(@CurrentPrincipal() driver: Principal) {
    const items = await this.runs.itemsOfDriver(driver.memberId, 200);
    const skipped = await this.runs.skipsOfDriver(driver.memberId, 200);
    return { payouts: items.map((i) => ({ ...itemView(i), runCreatedAt: i.runCreatedAt })), skipped: skipped.map((s) => ({ ...skipView(s), runCreatedAt: s.runCreatedAt })) };
  }

  private async file(id: string, kind: 'csv' | 'xml'): Promise<string> {
    const body = await this.runs.file(parseInput(uuidSchema, id), kind);
    if (body === undefined) throw new DomainError('PAYOUT_RUN_NOT_FOUND');
    if (body === null) throw new DomainError('NOT_FOUND', 'this run has no payment file (yet, or it paid nobody)');
    return body;
  }
}
