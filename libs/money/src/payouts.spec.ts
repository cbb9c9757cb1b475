import fc from 'fast-check';
import { PaymentBatch, pain001Xml, payoutCsv } from './payment-files';
import { decimalAmount, isPayoutSlot, planPayouts, postPayout } from './payouts';
import { checkPain001, parseXml, textAt } from './test-fixtures';

const batch = (transfers: PaymentBatch['transfers']): PaymentBatch => ({
  messageId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  createdAt: '2026-11-23T06:00:00.000Z',
  executionDate: '2026-11-24',
  debtorName: 'Co-op Dispatch <Montréal> & Co',
  debtorAccount: { other: '0012345678', scheme: 'CA-TRANSIT' },
  debtorAgent: { other: '000112345' },
  transfers,
});

describe('payout planning', () => {
  it('pays every driver owed at least the minimum, in driver id order, and rolls smaller balances over', () => {
    const plan = planPayouts(
      [
        { driverId: 'b', balance: -1500n, currency: 'CAD' },
        { driverId: 'a', balance: -1000n, currency: 'CAD' },
        { driverId: 'c', balance: -999n, currency: 'CAD' },
        { driverId: 'd', balance: 250n, currency: 'CAD' },
      ],
      1000n,
    );
    expect(plan).toEqual([
      { driverId: 'a', amount: { amount: 1000n, currency: 'CAD' } },
      { driverId: 'b', amount: { amount: 1500n, currency: 'CAD' } },
    ]);
  });

  it('posts a balanced payout: the driver payable is debited, payouts clearing credited', () => {
    const tx = postPayout({ id: 'payout:r1:a', runId: 'r1', driverId: 'a', amount: { amount: 1000n, currency: 'CAD' }, policyHash: 'ab' });
    expect(tx.postings).toEqual([
      { accountId: 'driver:a:payable', amount: { amount: 1000n, currency: 'CAD' } },
      { accountId: 'payouts:clearing', amount: { amount: -1000n, currency: 'CAD' } },
    ]);
  });

  it('writes decimal amounts by the currency exponent', () => {
    expect(decimalAmount({ amount: 12345n, currency: 'CAD' })).toBe('123.45');
    expect(decimalAmount({ amount: 5n, currency: 'CAD' })).toBe('0.05');
    expect(decimalAmount({ amount: 700n, currency: 'JPY' })).toBe('700');
    expect(decimalAmount({ amount: 1n, currency: 'KWD' })).toBe('0.001');
  });
});

describe('pain.001.001.09', () => {
  it('parses, carries every required element, and its NbOfTxs and CtrlSum match the transfers', () => {
    const xml = pain001Xml(
      batch([
        { endToEndId: 'E1', amount: { amount: 1005n, currency: 'CAD' }, creditorName: 'Ana "A" <B>', creditorAccount: { other: 'x1' }, remittance: 'payout' },
        { endToEndId: 'E2', amount: { amount: 20n, currency: 'CAD' }, creditorName: 'Bo', creditorAccount: { iban: 'DE89370400440532013000' }, remittance: 'payout' },
      ]),
    );
    expect(checkPain001(xml)).toMatchObject({ nbOfTxs: 2, ctrlSum: '10.25' });
    const doc = parseXml(xml);
    expect(textAt(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'Dbtr', 'Nm')).toBe('Co-op Dispatch <Montréal> & Co');
    expect(textAt(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'PmtMtd')).toBe('TRF');
  });

  it('keeps the control sum exact for any batch', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 40 }), (amounts) => {
        const xml = pain001Xml(batch(amounts.map((amount, i) => ({ endToEndId: `E${i}`, amount: { amount, currency: 'CAD' }, creditorName: `m${i}`, creditorAccount: { other: `a${i}` }, remittance: 'r' }))));
        const { ctrlSum, nbOfTxs } = checkPain001(xml);
        expect(nbOfTxs).toBe(amounts.length);
        expect(ctrlSum).toBe(decimalAmount({ amount: amounts.reduce((a, b) => a + b, 0n), currency: 'CAD' }));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses an empty batch, mixed currencies and repeated end-to-end ids', () => {
    const t = { endToEndId: 'E1', amount: { amount: 1n, currency: 'CAD' }, creditorName: 'a', creditorAccount: { other: 'x' }, remittance: '' };
    expect(() => pain001Xml(batch([]))).toThrow(/at least one/);
    expect(() => pain001Xml(batch([t, { ...t, endToEndId: 'E2', amount: { amount: 1n, currency: 'USD' } }]))).toThrow(/one currency/);
    expect(() => pain001Xml(batch([t, t]))).toThrow(/repeats/);
  });

  it('the CSV quotes fields with commas and quotes (RFC 4180)', () => {
    const csv = payoutCsv(batch([{ endToEndId: 'E1', amount: { amount: 1005n, currency: 'CAD' }, creditorName: 'Doe, "J"', creditorAccount: { other: 'x1' }, remittance: 'p' }]));
    expect(csv).toBe('end_to_end_id,creditor_name,creditor_account,currency,amount,amount_minor,remittance\r\nE1,"Doe, ""J""",x1,CAD,10.05,1005,p\r\n');
  });
});

describe('payout schedule', () => {
  it('is weekly on the ISO weekday and hour, biweekly on even weeks from Monday 1970-01-05, monthly on the day', () => {
    const monday6 = new Date('2026-11-23T06:00:00Z'); // Monday, week 2968 since 1970-01-05 (even)
    expect(isPayoutSlot({ schedule: 'weekly', day: 1, hourUtc: 6 }, monday6)).toBe(true);
    expect(isPayoutSlot({ schedule: 'weekly', day: 1, hourUtc: 7 }, monday6)).toBe(false);
    expect(isPayoutSlot({ schedule: 'weekly', day: 2, hourUtc: 6 }, monday6)).toBe(false);
    expect(isPayoutSlot({ schedule: 'biweekly', day: 1, hourUtc: 6 }, monday6)).toBe(true);
    expect(isPayoutSlot({ schedule: 'biweekly', day: 1, hourUtc: 6 }, new Date('2026-11-30T06:00:00Z'))).toBe(false); // week 2969 (odd)
    expect(isPayoutSlot({ schedule: 'weekly', day: 7, hourUtc: 6 }, new Date('2026-11-29T06:30:00Z'))).toBe(true); // Sunday
    expect(isPayoutSlot({ schedule: 'monthly', day: 23, hourUtc: 6 }, monday6)).toBe(true);
  });
});
