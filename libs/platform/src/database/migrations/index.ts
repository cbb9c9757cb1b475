import { DispatchCore1763900000000 } from './1763900000000-dispatch-core';
import { DecisionLog1763900000001 } from './1763900000001-decision-log';
import { Ledger1763900000100 } from './1763900000100-ledger';
import { LogNodesCheckpoints1763900000200 } from './1763900000200-log-nodes-checkpoints';
import { DriverOnlineSessions1763900000300 } from './1763900000300-driver-online-sessions';
import { LogTextLz41763900000400 } from './1763900000400-log-text-lz4';
import { Governance1763900000500 } from './1763900000500-governance';
import { Payouts1763900000501 } from './1763900000501-payouts';
import { Dividends1763900000502 } from './1763900000502-dividends';
import { LogHeadRoot1763900000600 } from './1763900000600-log-head-root';
import { ProposalSimulations1763900000700 } from './1763900000700-proposal-simulations';
import { PayoutAccounts1763900000710 } from './1763900000710-payout-accounts';
import { LedgerAppendBatch1763900000800 } from './1763900000800-ledger-append-batch';
import { LedgerAppendIfPending1763900000810 } from './1763900000810-ledger-append-if-pending';
import { LedgerAppendIndexLookups1763900000811 } from './1763900000811-ledger-append-index-lookups';
import { LedgerBalancePerStatement1763900000812 } from './1763900000812-ledger-balance-per-statement';
import { LedgerAppendAccountsRace1763900000813 } from './1763900000813-ledger-append-accounts-race';
import { LedgerHoldStatesFromJournal1763900000860 } from './1763900000860-ledger-hold-states-from-journal';
import { LedgerIdChecksUncounted1763900000861 } from './1763900000861-ledger-id-checks-uncounted';
import { LedgerLineReferencesPerStatement1763900000862 } from './1763900000862-ledger-line-references-per-statement';
import { LedgerPostingsByAccountInJournalOrder1763900000863 } from './1763900000863-ledger-postings-by-account-in-journal-order';
import { TripIdsInTimeOrder1763900000864 } from './1763900000864-trip-ids-in-time-order';
import { TripAnswersInOneRoundTrip1763900000865 } from './1763900000865-trip-answers-in-one-round-trip';
import { OfferIfTripUnchanged1763900000866 } from './1763900000866-offer-if-trip-unchanged';
import { LedgerTipRequests1763900000850 } from './1763900000850-ledger-tip-requests';
import { LedgerReversalLimits1763900000851 } from './1763900000851-ledger-reversal-limits';

/** Every migration of the one shared schema, in order. New ones go at the end. */
export const allMigrations = [
  DispatchCore1763900000000, DecisionLog1763900000001, Ledger1763900000100, LogNodesCheckpoints1763900000200,
  DriverOnlineSessions1763900000300, LogTextLz41763900000400,
  Governance1763900000500, Payouts1763900000501, Dividends1763900000502,
  LogHeadRoot1763900000600, ProposalSimulations1763900000700, PayoutAccounts1763900000710, LedgerAppendBatch1763900000800,
  LedgerAppendIfPending1763900000810, LedgerAppendIndexLookups1763900000811, LedgerBalancePerStatement1763900000812,
  LedgerTipRequests1763900000850, LedgerReversalLimits1763900000851, LedgerAppendAccountsRace1763900000813,
  LedgerHoldStatesFromJournal1763900000860, LedgerIdChecksUncounted1763900000861, LedgerLineReferencesPerStatement1763900000862,
  LedgerPostingsByAccountInJournalOrder1763900000863, TripIdsInTimeOrder1763900000864,
  TripAnswersInOneRoundTrip1763900000865, OfferIfTripUnchanged1763900000866,
] as const;
