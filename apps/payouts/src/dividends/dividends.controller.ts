import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, Clock, CurrentPrincipal, Principal, Roles, moneySchema, parseInput, textSchema } from '@coop/platform';
import { DividendsService } from './dividends.service';

const yearSchema = z.coerce.number().int().min(2000).max(2200);
const expenseSchema = z.strictObject({
  description: textSchema.pipe(z.string().min(1).max(500)),
  amount: moneySchema.refine((m) => m.amount > 0 && Number.isSafeInteger(m.amount), 'must be a positive safe integer of minor units'),
});
const moneyOut = z.object({ amount: z.number().int(), currency: z.string() });
const allocationSchema = z.object({
  year: z.number().int(), from: z.string(), to: z.string(), currency: z.string(), basis: z.enum(['fare_revenue', 'trips', 'online_hours']),
  policyVersion: z.number().int(), policyHash: z.string(), revenue: z.number().int(), expenses: z.number().int(), surplus: z.number().int(),
  reserveBasisPoints: z.number().int(), cashBasisPoints: z.number().int(), reserve: z.number().int(), allocated: z.number().int(), rule: z.string(),
  members: z.array(z.object({ memberId: z.string(), patronage: z.number().int(), allocation: z.number().int(), cash: z.number().int(), retained: z.number().int() })),
});
const periodSchema = z.object({
  year: z.number().int(),
  status: z.enum(['open', 'closing', 'closed']),
  allocation: allocationSchema.nullable().describe('Inputs and results, in minor units of `currency`; null while open'),
  transactionId: z.string().nullable(),
  expenses: z.array(z.object({ id: z.string().uuid(), description: z.string(), amount: moneyOut, enteredAt: z.string() })),
});
const statementSchema = allocationSchema.omit({ members: true }).extend({
  totalPatronage: z.number().int(),
  patrons: z.number().int(),
  member: z.object({ memberId: z.string(), patronage: z.number().int(), allocation: z.number().int(), cash: z.number().int(), retained: z.number().int() }),
  logPosition: z
    .number()
    .int()
    .nullable()
    .describe("Your line (0-based) in the members of this year's dividend_allocation leaf of the transparency log, which lists members by pseudonym in member-id order; null when you had no patronage"),
});

@Controller('v1/dividends/periods')
export class DividendsController {
  constructor(
    private readonly dividends: DividendsService,
    private readonly clock: Clock,
  ) {}

  @ApiDoc({
    tag: 'dividends',
    summary: "Enter an expense of the year",
    params: { year: yearSchema },
    body: expenseSchema,
    responses: { 201: { description: 'Recorded', schema: z.object({ id: z.string().uuid() }) } },
    errors: ['DIVIDEND_PERIOD_CLOSED'],
  })
  @Roles('treasurer')
  @Post(':year/expenses')
  addExpense(@Param('year') year: string, @Body() body: unknown, @CurrentPrincipal() treasurer: Principal) {
    const input = parseInput(expenseSchema, body);
    return this.dividends.addExpense(parseInput(yearSchema, year), input.description, input.amount, treasurer.memberId);
  }

  @ApiDoc({
    tag: 'dividends',
    summary: 'Close the year and allocate the patronage dividend',
    description:
      'Computes the surplus from the ledger, allocates it by the policy in force and posts one `dividend:<year>` entry. ' +
      'Idempotent: a closed year is returned as it is. The allocation states its rule and inputs so any member can recompute it.',
    params: { year: yearSchema },
    responses: { 200: { description: 'The closed period', schema: periodSchema } },
    errors: ['DIVIDEND_NO_PATRONS'],
  })
  @Roles('treasurer')
  @HttpCode(200)
  @Post(':year/close')
  close(@Param('year') year: string, @CurrentPrincipal() treasurer: Principal) {
    return this.dividends.close(parseInput(yearSchema, year), treasurer.memberId, this.clock.nowMs());
  }

  @ApiDoc({
    tag: 'dividends',
    summary: 'A dividend period: expenses, and the whole allocation once closed',
    params: { year: yearSchema },
    responses: { 200: { description: 'The period', schema: periodSchema } },
    errors: ['DIVIDEND_PERIOD_NOT_FOUND'],
  })
  @Get(':year')
  view(@Param('year') year: string) {
    return this.dividends.view(parseInput(yearSchema, year));
  }

  @ApiDoc({
    tag: 'dividends',
    summary: 'Your dividend statement: your allocation and the inputs it came from',
    params: { year: yearSchema },
    responses: { 200: { description: 'The statement', schema: statementSchema } },
    errors: ['DIVIDEND_PERIOD_NOT_FOUND'],
  })
  @Roles('driver', 'rider')
  @Get(':year/me')
  statement(@Param('year') year: string, @CurrentPrincipal() member: Principal) {
    return this.dividends.statement(parseInput(yearSchema, year), member.memberId);
  }
}
