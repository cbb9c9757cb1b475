import { Injectable } from '@nestjs/common';
import { Clock } from '@coop/platform';
import { LedgerRepository } from '../journal/ledger.repository';
import { Statement, TrialBalance, buildStatement, buildTrialBalance } from './statement-view';

/** Most entries one statement returns; a longer range answers `truncated: true`. */
export const STATEMENT_LIMIT = 1000;

/** Statements and the trial balance, always summed from the journal's entries at read time. */
@Injectable()
export class StatementsService {
  constructor(
    private readonly journal: LedgerRepository,
    private readonly clock: Clock,
  ) {}

  /** The member's accounts, entries posted in [from, to) and balances at both ends. */
  async statement(memberId: string, range: { from?: Date; to?: Date }): Promise<Statement> {
    const to = range.to ?? new Date(this.clock.nowMs());
    const from = range.from ?? new Date(0);
    const accounts = await this.journal.memberAccounts(memberId);
    const ids = accounts.map((a) => a.accountId);
    const [opening, closing, entries] = ids.length
      ? await Promise.all([
          this.journal.balancesBefore(ids, from),
          this.journal.balancesBefore(ids, to),
          this.journal.touching(ids, from, to, STATEMENT_LIMIT + 1),
        ])
      : [[], [], []];
    const truncated = entries.length > STATEMENT_LIMIT;
    return buildStatement({ memberId, from, to, accounts, opening, closing, entries: entries.slice(0, STATEMENT_LIMIT), truncated });
  }

  async trialBalance(): Promise<TrialBalance> {
    return buildTrialBalance(await this.journal.balances(), new Date(this.clock.nowMs()));
  }
}
