import { Injectable, Logger } from '@nestjs/common';
import { CreditTransfer, PaymentBatch, pain001Xml, payoutCsv, planPayouts, postPayout } from '@coop/money';
import { DomainError } from '@coop/platform';
import { creditorOf, maskedLabel } from '../payout-accounts/payout-account';
import { PayoutAccountsRepository } from '../payout-accounts/payout-accounts.repository';
import { PayerAccount } from './payer-account';
import { PayoutItem, PayoutRun, PayoutRunsRepository } from './payout-runs.repository';
import { PaymentProvider, PayoutJournal } from './payout.ports';

/** Points where a test stops a run the way a crash would (after the named write, before the next). */
export type CrashPoint = 'after-plan' | 'after-ledger-append' | 'after-post' | 'after-file' | 'after-provider-submit';

/** Thrown at a crash point; tests only. */
export class SimulatedCrash extends Error {}

/**
 * Runs payouts: plan (drivers owed at least the policy minimum), post one ledger entry per
 * payout, write the payment files, submit each transfer to the provider, complete. Every step
 * is idempotent and the run's status says which step is next, so a run killed anywhere is
 * resumed (on the next start, API call, CLI call or scheduled tick) and pays each driver once:
 * ledger entries are keyed by `payout:<run>:<driver>`, transfers by their end-to-end id.
 */
@Injectable()
export class PayoutRunner {
  private readonly logger = new Logger('payouts');

  constructor(
    private readonly runs: PayoutRunsRepository,
    private readonly journal: PayoutJournal,
    private readonly provider: PaymentProvider,
    private readonly accounts: PayoutAccountsRepository,
    private readonly payer: PayerAccount,
  ) {}

  /**
   * Starts the run named `key` (or resumes it, if it exists). An unfinished run with another
   * key is resumed to the end first, so no balance is planned twice; then the new run starts.
   */
  async start(key: string, requestedBy: string | null, crashAt?: CrashPoint): Promise<PayoutRun> {
    const existing = await this.runs.byKey(key);
    if (existing) return this.resume(existing.id, crashAt);
    const unfinished = await this.runs.unfinished();
    if (unfinished) await this.resume(unfinished.id);
    const policy = await this.runs.policyInForce();
    const currency = policy.document.fares.currency;
    const lines = planPayouts(
      (await this.journal.driverPayables()).filter((b) => b.currency === currency),
      BigInt(policy.document.payouts.minimumAmount),
    );
    // Each payee's newest account as of now is pinned on their item; a driver without one is
    // recorded as skipped and keeps their balance for a later run.
    const accountIds = await this.accounts.latestIds(lines.map((l) => l.driverId));
    const paid = lines.flatMap((l) => (accountIds.has(l.driverId) ? [{ ...l, payoutAccountId: accountIds.get(l.driverId)! }] : []));
    const skipped = lines.filter((l) => !accountIds.has(l.driverId));
    const id = (await this.runs.create(key, requestedBy, policy, paid, skipped)) ?? (await this.runs.byKey(key))?.id;
    if (!id) throw new DomainError('PAYOUT_RUN_IN_PROGRESS', 'another payout run started at the same time; try again');
    this.crash(crashAt, 'after-plan');
    return this.resume(id, crashAt);
  }

  /** Carries a run on from its status to completed. */
  async resume(runId: string, crashAt?: CrashPoint): Promise<PayoutRun> {
    let run = await this.get(runId);
    if (run.status === 'planned') {
      for (const item of await this.runs.items(runId)) {
        if (item.status !== 'planned') continue;
        await this.journal.post(this.entryOf(run, item));
        this.crash(crashAt, 'after-ledger-append');
        await this.runs.setItem(runId, item.driverId, 'posted');
      }
      await this.runs.setRun(runId, 'posted');
      this.crash(crashAt, 'after-post');
      run = await this.get(runId);
    }
    if (run.status === 'posted') {
      const items = await this.runs.items(runId);
      await this.runs.setRun(runId, 'filed', items.length > 0 ? await this.files(run, items) : undefined);
      this.crash(crashAt, 'after-file');
      run = await this.get(runId);
    }
    if (run.status === 'filed') {
      for (const item of await this.runs.items(runId)) {
        if (item.status === 'posted') await this.submit(run, item, crashAt);
      }
      await this.runs.setRun(runId, 'completed');
      this.logger.log({ msg: 'payout run completed', runId });
    }
    return this.get(runId);
  }

  /** Submits one failed payment of a completed run again (same end-to-end id, so at most once). */
  async retry(runId: string, driverId: string): Promise<PayoutItem> {
    const run = await this.get(runId);
    const [item] = await this.runs.items(runId, driverId);
    if (!item) throw new DomainError('NOT_FOUND', 'this driver has no payment in this run');
    if (item.status !== 'failed') throw new DomainError('PAYOUT_NOT_FAILED');
    await this.submit(run, item);
    return (await this.runs.items(runId, driverId))[0]!;
  }

  async get(runId: string): Promise<PayoutRun> {
    const run = await this.runs.find(runId);
    if (!run) throw new DomainError('PAYOUT_RUN_NOT_FOUND');
    return run;
  }

  private async submit(run: PayoutRun, item: PayoutItem, crashAt?: CrashPoint): Promise<void> {
    try {
      const { providerRef } = await this.provider.submit({
        runId: run.id,
        endToEndId: item.endToEndId,
        driverId: item.driverId,
        amount: { amount: BigInt(item.amount), currency: item.currency },
      });
      this.crash(crashAt, 'after-provider-submit');
      await this.runs.setItem(run.id, item.driverId, 'submitted', { providerRef });
    } catch (error) {
      if (error instanceof SimulatedCrash) throw error;
      // A refusal is recorded on the item and retried by the treasurer; the ledger entry
      // stands, the money stays in payouts clearing until the transfer goes through.
      await this.runs.setItem(run.id, item.driverId, 'failed', { failure: (error as Error).message.slice(0, 500) });
    }
  }

  private entryOf(run: PayoutRun, item: PayoutItem) {
    return postPayout({ id: item.transactionId, runId: run.id, driverId: item.driverId, amount: { amount: BigInt(item.amount), currency: item.currency }, policyHash: run.policyHash });
  }

  /**
   * The payment files, from the stored items, the accounts pinned on them and the run's
   * creation time: the same bytes on every resume. The CSV shows accounts masked.
   */
  private async files(run: PayoutRun, items: readonly PayoutItem[]): Promise<{ csv: string; xml: string }> {
    const accounts = await this.runs.accountsOfRun(run.id);
    const transfers: Array<CreditTransfer & { maskedAccount: string }> = items.map((i) => {
      const account = accounts.get(i.driverId);
      // Items planned before payout accounts existed name the payee by member id, as they always did.
      const creditor = account ? creditorOf(account) : { account: { other: i.driverId.replace(/-/g, ''), scheme: 'COOP-MEMBER' }, agent: undefined };
      return {
        endToEndId: i.endToEndId,
        amount: { amount: BigInt(i.amount), currency: i.currency },
        creditorName: account?.holderName ?? i.creditorName,
        creditorAccount: creditor.account,
        ...(creditor.agent ? { creditorAgent: creditor.agent } : {}),
        remittance: `Co-op payout ${run.createdAt.slice(0, 10)} (ledger ${i.transactionId})`,
        maskedAccount: account ? maskedLabel(account) : i.driverId.replace(/-/g, ''),
      };
    });
    const batch: PaymentBatch = {
      messageId: run.id.replace(/-/g, ''),
      createdAt: run.createdAt,
      executionDate: run.createdAt.slice(0, 10),
      ...this.payer.debtor,
      transfers,
    };
    const masked = transfers.map(({ maskedAccount, ...t }) => ({ ...t, creditorAccount: { other: maskedAccount } }));
    return { csv: payoutCsv({ transfers: masked }), xml: pain001Xml(batch) };
  }

  private crash(at: CrashPoint | undefined, point: CrashPoint): void {
    if (at === point) throw new SimulatedCrash(`simulated crash ${point}`);
  }
}
