import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, Roles } from '@coop/platform';
import { ReconciliationService } from './reconciliation.service';

const balancePair = z.object({ posted: z.string(), pending: z.string() });
const reportSchema = z.object({
  transactions: z.number().int(),
  accounts: z.number().int(),
  differences: z.array(z.object({ accountId: z.string(), currency: z.string(), summed: balancePair, replayed: balancePair })),
  invalidEntries: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
  totals: z.array(z.object({ currency: z.string(), posted: z.string(), pending: z.string() })),
});

@Controller('v1/ledger')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @ApiDoc({
    tag: 'ledger',
    summary: 'Recompute every balance from the entries now and report any difference',
    description: 'Amounts are decimal strings of minor units (the sums may exceed 2^53). Also runs every 15 minutes; see the `ledger_reconciliation_differences` metric.',
    responses: { 200: { description: 'The reconciliation report', schema: reportSchema } },
  })
  @Roles('treasurer')
  @Get('reconciliation')
  run() {
    return this.reconciliation.run();
  }
}
