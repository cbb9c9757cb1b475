import { randomUUID } from 'node:crypto';
import { JournalTransaction } from '@coop/money';
import { PayoutJournal } from '../../payouts/src/payouts/payout.ports';
import { TestSystem } from './system.harness';

type Member = { memberId: string };

/**
 * Posts a completed trip's fare straight to the ledger (rider charged, driver's share and the
 * commission), for tests of what the year's fares lead to rather than of the trip itself.
 */
export async function postCompletedTrip(system: TestSystem, rider: Member, driver: Member, fare: number, commission: number): Promise<void> {
  const tx: JournalTransaction = {
    id: `trip:${randomUUID()}:completed`,
    kind: 'trip.completed',
    metadata: { tripId: randomUUID() },
    postings: [
      { accountId: `rider:${rider.memberId}:receivable`, amount: { amount: BigInt(fare), currency: 'CAD' } },
      { accountId: `driver:${driver.memberId}:payable`, amount: { amount: BigInt(commission - fare), currency: 'CAD' } },
      { accountId: 'coop:commission', amount: { amount: BigInt(-commission), currency: 'CAD' } },
    ],
  };
  await system.nest.get(PayoutJournal).post(tx);
}
