import { Module } from '@nestjs/common';
import { GovernanceCloseJob } from './governance/governance-close.job';
import { GovernanceController } from './governance/governance.controller';
import { GovernanceService } from './governance/governance.service';
import { ProposalsRepository } from './governance/proposals.repository';

/**
 * Co-operative governance, payouts and dividends. So far: policy governance (proposals,
 * one-member-one-vote ballots, tallies, activation into `policies`). Payout runs and
 * patronage dividends are not built yet (issue 6).
 */
@Module({
  controllers: [GovernanceController],
  providers: [ProposalsRepository, GovernanceService, GovernanceCloseJob],
})
export class PayoutsModule {}
