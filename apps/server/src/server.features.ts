import { DispatchModule } from '../../dispatch/src/dispatch.module';
import { LedgerModule } from '../../ledger/src/ledger.module';
import { PayoutsModule } from '../../payouts/src/payouts.module';
import { LedgerPayoutJournal } from './ledger-payout-journal';

/** Every app's feature modules, run together in one process by `npm start`. */
export const allFeatures = [
  DispatchModule,
  LedgerModule,
  PayoutsModule.withJournal({ imports: [LedgerModule], journal: LedgerPayoutJournal }),
];
