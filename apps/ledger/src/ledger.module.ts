import { Module } from '@nestjs/common';
import { CorrectionsController } from './corrections/corrections.controller';
import { CorrectionsRepository } from './corrections/corrections.repository';
import { CorrectionsService } from './corrections/corrections.service';
import { TripEventHandler } from './events/trip-event.handler';
import { TripEventsWorker } from './events/trip-events.worker';
import { HoldExpiryService } from './holds/hold-expiry.service';
import { LedgerRepository } from './journal/ledger.repository';
import { PostingService } from './journal/posting.service';
import { FarePolicyReader } from './policy/fare-policy.reader';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { StatementsController } from './statements/statements.controller';
import { StatementsService } from './statements/statements.service';
import { TipRelayService } from './tips/tip-relay.service';
import { TipRequestsRepository } from './tips/tip-requests.repository';
import { TipsController } from './tips/tips.controller';
import { TipsService } from './tips/tips.service';

/**
 * The fare ledger: consumes trip events from the `trip-events` queue and posts balanced
 * journal entries (a card hold at request, posted or voided by the trip's outcome or by
 * expiry) and tips (recorded by the tip route, relayed to the same queue); refunds and
 * corrections, statements, the trial balance and reconciliation.
 * Needs only the platform (database, Redis, auth): it runs alone (main.ts) or in the server.
 */
@Module({
  controllers: [TipsController, StatementsController, ReconciliationController, CorrectionsController],
  providers: [
    LedgerRepository,
    PostingService,
    FarePolicyReader,
    TripEventHandler,
    TripEventsWorker,
    HoldExpiryService,
    TipsService,
    TipRequestsRepository,
    TipRelayService,
    CorrectionsService,
    CorrectionsRepository,
    StatementsService,
    ReconciliationService,
  ],
  exports: [PostingService, LedgerRepository],
})
export class LedgerModule {}
