import type { JournalTransaction, PayableBalance } from '@coop/money';

/**
 * The ledger as payouts need it. The adapter lives in the composition root (apps/server),
 * which may import the ledger app; apps/payouts may not (tools/architecture/dependency-rules.ts).
 */
export abstract class PayoutJournal {
  /** Posts a checked entry; idempotent by transaction id (same content: 'duplicate'). */
  abstract post(tx: JournalTransaction): Promise<'new' | 'duplicate'>;
  /** Every driver payable account's posted balance, summed from the journal now. */
  abstract driverPayables(): Promise<PayableBalance[]>;
}

/** One credit transfer handed to the payment provider. */
export interface ProviderInstruction {
  runId: string;
  /** The idempotency key of the transfer: a provider must never execute one id twice. */
  endToEndId: string;
  driverId: string;
  amount: { amount: bigint; currency: string };
}

/** Where payouts are sent: a bank file, a bank API, Stripe Connect... */
export abstract class PaymentProvider {
  /** Submits one transfer; submitting the same endToEndId again returns the first reference. */
  abstract submit(instruction: ProviderInstruction): Promise<{ providerRef: string }>;
}
