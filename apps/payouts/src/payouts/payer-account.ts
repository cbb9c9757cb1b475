import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PaymentBatch } from '@coop/money';
import { APP_CONFIG, AppConfig, ConfigError } from '@coop/platform';
import { canadianAccountSchema, creditorOf, ibanAccountSchema } from '../payout-accounts/payout-account';

/** The co-op's side of a payment file. */
export type Debtor = Pick<PaymentBatch, 'debtorName' | 'debtorAccount' | 'debtorAgent'>;

type PayerConfig = Pick<AppConfig, 'COOP_PAYER_NAME' | 'COOP_PAYER_IBAN' | 'COOP_PAYER_BIC' | 'COOP_PAYER_CA_INSTITUTION' | 'COOP_PAYER_CA_TRANSIT' | 'COOP_PAYER_CA_ACCOUNT'>;

/** The dev placeholder: a file with it is not accepted by any bank. */
export const PLACEHOLDER_DEBTOR: Debtor = { debtorName: 'Co-op Dispatch', debtorAccount: { other: 'COOP-OPERATING', scheme: 'COOP' }, debtorAgent: { other: 'COOP-BANK' } };

/**
 * The debtor from the COOP_PAYER_* variables, checked with the same schema as a driver's
 * account (IBAN length and mod 97, BIC shape, Canadian digits); null when none is set.
 * Throws a ConfigError naming the variables when they are set but do not make one account.
 */
export function payerFromConfig(c: PayerConfig): Debtor | null {
  const canadian = [c.COOP_PAYER_CA_INSTITUTION, c.COOP_PAYER_CA_TRANSIT, c.COOP_PAYER_CA_ACCOUNT];
  const anySet = [c.COOP_PAYER_NAME, c.COOP_PAYER_IBAN, c.COOP_PAYER_BIC, ...canadian].some((v) => v !== undefined);
  if (!anySet) return null;
  const fail = (why: string): never => {
    throw new ConfigError(`invalid configuration:\n  COOP_PAYER_*: ${why}`);
  };
  const hasCanadian = canadian.some((v) => v !== undefined);
  if (c.COOP_PAYER_IBAN !== undefined && hasCanadian) fail('set COOP_PAYER_IBAN or the COOP_PAYER_CA_* variables, not both');
  if (c.COOP_PAYER_BIC !== undefined && c.COOP_PAYER_IBAN === undefined) fail('COOP_PAYER_BIC goes with COOP_PAYER_IBAN');
  if (c.COOP_PAYER_NAME === undefined) fail('COOP_PAYER_NAME (the account holder) is required with the account');
  const parsed = hasCanadian
    ? canadianAccountSchema.safeParse({ holderName: c.COOP_PAYER_NAME, canadian: { institution: c.COOP_PAYER_CA_INSTITUTION, transit: c.COOP_PAYER_CA_TRANSIT, account: c.COOP_PAYER_CA_ACCOUNT } })
    : ibanAccountSchema.safeParse({ holderName: c.COOP_PAYER_NAME, iban: c.COOP_PAYER_IBAN, ...(c.COOP_PAYER_BIC !== undefined ? { bic: c.COOP_PAYER_BIC } : {}) });
  if (!parsed.success) fail(`COOP_PAYER_NAME with COOP_PAYER_IBAN (and COOP_PAYER_BIC) or all three COOP_PAYER_CA_*: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const account = parsed.data!;
  const { account: debtorAccount, agent } = creditorOf(
    'iban' in account
      ? { id: 'config', kind: 'iban', holderName: account.holderName, iban: account.iban, bic: account.bic ?? null, createdAt: '' }
      : { id: 'config', kind: 'canadian', holderName: account.holderName, ...account.canadian, createdAt: '' },
  );
  // No BIC: NOTPROVIDED, as the EPC SEPA guidelines allow (the bank derives it from the IBAN).
  return { debtorName: account.holderName, debtorAccount, debtorAgent: agent ?? { other: 'NOTPROVIDED' } };
}

/** The debtor of every payment file, read once at boot. */
@Injectable()
export class PayerAccount {
  readonly debtor: Debtor;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const configured = payerFromConfig(config);
    if (!configured) {
      new Logger('payouts').warn('COOP_PAYER_* is not set: payment files name a placeholder debtor account and are not bank-ready');
    }
    this.debtor = configured ?? PLACEHOLDER_DEBTOR;
  }
}
