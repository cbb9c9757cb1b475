import { pain001Xml } from '@coop/money';
import { ConfigError, loadConfig } from '@coop/platform';
import { payerFromConfig } from './payer-account';

const fromEnv = (env: Record<string, string>) => payerFromConfig(loadConfig(env));

describe('the co-op payer account from COOP_PAYER_*', () => {
  it('is null when nothing is set (the runner then uses the placeholder and warns)', () => {
    expect(fromEnv({})).toBeNull();
  });

  it('reads an IBAN with its BIC, normalized', () => {
    expect(fromEnv({ COOP_PAYER_NAME: 'Coop Montreal', COOP_PAYER_IBAN: 'de89 3704 0044 0532 0130 00', COOP_PAYER_BIC: 'COBADEFFXXX' })).toEqual({
      debtorName: 'Coop Montreal',
      debtorAccount: { iban: 'DE89370400440532013000' },
      debtorAgent: { bic: 'COBADEFFXXX' },
    });
  });

  it('an IBAN without BIC names the agent NOTPROVIDED', () => {
    expect(fromEnv({ COOP_PAYER_NAME: 'Coop', COOP_PAYER_IBAN: 'GB82WEST12345698765432' })?.debtorAgent).toEqual({ other: 'NOTPROVIDED' });
  });

  it('reads the Canadian form into a CACPA routing number and the account', () => {
    const debtor = fromEnv({ COOP_PAYER_NAME: 'Coop Montreal', COOP_PAYER_CA_INSTITUTION: '815', COOP_PAYER_CA_TRANSIT: '30001', COOP_PAYER_CA_ACCOUNT: '12345678' })!;
    expect(debtor).toEqual({ debtorName: 'Coop Montreal', debtorAccount: { other: '12345678', scheme: 'CA-EFT' }, debtorAgent: { clearingSystem: 'CACPA', memberId: '081530001' } });
    const xml = pain001Xml({
      messageId: 'M1', createdAt: '2026-11-23T10:00:00.000Z', executionDate: '2026-11-23', ...debtor,
      transfers: [{ endToEndId: 'E1', amount: { amount: 100n, currency: 'CAD' }, creditorName: 'A', creditorAccount: { iban: 'GB82WEST12345698765432' }, remittance: 'r' }],
    });
    expect(xml).toContain('<DbtrAcct><Id><Othr><Id>12345678</Id><SchmeNm><Prtry>CA-EFT</Prtry></SchmeNm></Othr></Id></DbtrAcct>');
    expect(xml).toContain('<DbtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CACPA</Cd></ClrSysId><MmbId>081530001</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt>');
  });

  it.each([
    [{ COOP_PAYER_NAME: 'Coop', COOP_PAYER_IBAN: 'GB82WEST12345698765431' }, /check digits/],
    [{ COOP_PAYER_IBAN: 'GB82WEST12345698765432' }, /COOP_PAYER_NAME .* is required/],
    [{ COOP_PAYER_NAME: 'Coop' }, /iban/],
    [{ COOP_PAYER_NAME: 'Coop', COOP_PAYER_BIC: 'COBADEFF' }, /goes with COOP_PAYER_IBAN/],
    [{ COOP_PAYER_NAME: 'Coop', COOP_PAYER_IBAN: 'GB82WEST12345698765432', COOP_PAYER_CA_ACCOUNT: '12345678' }, /not both/],
    [{ COOP_PAYER_NAME: 'Coop', COOP_PAYER_CA_INSTITUTION: '815', COOP_PAYER_CA_TRANSIT: '30001' }, /canadian\.account/],
  ])('refuses %j', (env, message) => {
    expect(() => fromEnv(env)).toThrow(ConfigError);
    expect(() => fromEnv(env)).toThrow(message);
  });

  it('the config schema itself refuses a malformed BIC or Canadian number, naming the variable', () => {
    expect(() => loadConfig({ COOP_PAYER_BIC: 'COBA' })).toThrow(/COOP_PAYER_BIC/);
    expect(() => loadConfig({ COOP_PAYER_CA_TRANSIT: '1234' })).toThrow(/COOP_PAYER_CA_TRANSIT/);
  });
});
