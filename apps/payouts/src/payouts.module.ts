import { DynamicModule, Module, Type } from '@nestjs/common';
import { DividendsController } from './dividends/dividends.controller';
import { DividendsRepository } from './dividends/dividends.repository';
import { DividendsService } from './dividends/dividends.service';
import { GovernanceCloseJob } from './governance/governance-close.job';
import { GovernanceController } from './governance/governance.controller';
import { GovernanceService } from './governance/governance.service';
import { ProposalSimulationJob } from './governance/proposal-simulation.job';
import { ProposalSimulator } from './governance/proposal-simulator.service';
import { ProposalsRepository } from './governance/proposals.repository';
import { SimulationsRepository } from './governance/simulations.repository';
import { PayoutAccountsController } from './payout-accounts/payout-accounts.controller';
import { PayoutAccountsRepository } from './payout-accounts/payout-accounts.repository';
import { PayerAccount } from './payouts/payer-account';
import { PayoutRunsRepository } from './payouts/payout-runs.repository';
import { PayoutRunner } from './payouts/payout-runner.service';
import { PaymentProvider, PayoutJournal } from './payouts/payout.ports';
import { PayoutScheduleJob } from './payouts/payout-schedule.job';
import { PayoutsController } from './payouts/payouts.controller';
import { RecordedFileProvider } from './payouts/recorded-file.provider';

/**
 * Co-operative governance, payouts and dividends: policy proposals and one-member-one-vote
 * ballots (activation into `policies`), payout runs (API, CLI through the API, hourly
 * scheduler), year-end patronage dividends. The ledger comes in through the PayoutJournal
 * port, bound by the composition root.
 */
@Module({})
export class PayoutsModule {
  /** The module with its ledger: `imports` provide what `journal` (a PayoutJournal) needs. */
  static withJournal(options: { imports: Array<Type | DynamicModule>; journal: Type<PayoutJournal> }): DynamicModule {
    return {
      module: PayoutsModule,
      imports: options.imports,
      controllers: [GovernanceController, PayoutsController, PayoutAccountsController, DividendsController],
      providers: [
        ProposalsRepository,
        GovernanceService,
        GovernanceCloseJob,
        SimulationsRepository,
        ProposalSimulator,
        ProposalSimulationJob,
        PayoutAccountsRepository,
        PayerAccount,
        PayoutRunsRepository,
        PayoutRunner,
        PayoutScheduleJob,
        DividendsRepository,
        DividendsService,
        { provide: PayoutJournal, useClass: options.journal },
        { provide: PaymentProvider, useClass: RecordedFileProvider },
      ],
    };
  }
}
