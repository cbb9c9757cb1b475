import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PayoutAccount, PayoutAccountInput } from './payout-account';

const SELECT_ACCOUNT = `
  SELECT id::text AS id, member_id AS "memberId", kind, holder_name AS "holderName", iban, bic,
         ca_institution AS institution, ca_transit AS transit, ca_account AS account,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
    FROM payout_accounts`;

type Row = { id: string; memberId: string; kind: 'iban' | 'canadian'; holderName: string; iban: string | null; bic: string | null; institution: string | null; transit: string | null; account: string | null; createdAt: string };

export function accountOf(r: Row): PayoutAccount {
  return r.kind === 'iban'
    ? { id: r.id, kind: 'iban', holderName: r.holderName, iban: r.iban!, bic: r.bic, createdAt: r.createdAt }
    : { id: r.id, kind: 'canadian', holderName: r.holderName, institution: r.institution!, transit: r.transit!, account: r.account!, createdAt: r.createdAt };
}

/** Payout accounts, append-only: every change is a new row, the newest row of a member wins. */
@Injectable()
export class PayoutAccountsRepository {
  constructor(private readonly db: DataSource) {}

  async append(memberId: string, input: PayoutAccountInput): Promise<PayoutAccount> {
    const iban = 'iban' in input ? input : undefined;
    const ca = 'canadian' in input ? input.canadian : undefined;
    const [row]: Row[] = await this.db.query(
      `WITH inserted AS (
         INSERT INTO payout_accounts (member_id, kind, holder_name, iban, bic, ca_institution, ca_transit, ca_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
       ${SELECT_ACCOUNT.replace('FROM payout_accounts', 'FROM inserted')}`,
      [memberId, iban ? 'iban' : 'canadian', input.holderName, iban?.iban ?? null, iban?.bic ?? null, ca?.institution ?? null, ca?.transit ?? null, ca?.account ?? null],
    );
    return accountOf(row!);
  }

  async latest(memberId: string): Promise<PayoutAccount | undefined> {
    const rows: Row[] = await this.db.query(`${SELECT_ACCOUNT} WHERE member_id = $1 ORDER BY id DESC LIMIT 1`, [memberId]);
    return rows[0] && accountOf(rows[0]);
  }

  /** The id of each member's newest account, for the members that have one. */
  async latestIds(memberIds: readonly string[]): Promise<Map<string, string>> {
    const rows: Array<{ memberId: string; id: string }> = await this.db.query(
      `SELECT DISTINCT ON (member_id) member_id AS "memberId", id::text AS id FROM payout_accounts WHERE member_id = ANY($1::uuid[]) ORDER BY member_id, id DESC`,
      [memberIds],
    );
    return new Map(rows.map((r) => [r.memberId, r.id]));
  }
}
