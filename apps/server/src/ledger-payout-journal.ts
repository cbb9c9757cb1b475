import { Injectable } from '@nestjs/common';
import { JournalTransaction, PayableBalance, parseAccountId } from '@coop/money';
import { LedgerRepository } from '../../ledger/src/journal/ledger.repository';
import { PostingService } from '../../ledger/src/journal/posting.service';
import { PayoutJournal } from '../../payouts/src/payouts/payout.ports';

/** The payouts app's journal port, bound to the fare ledger here, where both apps may be imported. */
@Injectable()
export class LedgerPayoutJournal extends PayoutJournal {
  constructor(
    private readonly posting: PostingService,
    private readonly ledger: LedgerRepository,
  ) {
    super();
  }

  async post(tx: JournalTransaction): Promise<'new' | 'duplicate'> {
    return (await this.posting.post(tx)).outcome;
  }

  async driverPayables(): Promise<PayableBalance[]> {
    const balances = await this.ledger.balances();
    return balances.flatMap((b) => {
      const ref = parseAccountId(b.accountId);
      return ref.kind === 'driver-payable' ? [{ driverId: ref.memberId, balance: b.posted, currency: b.currency }] : [];
    });
  }
}
