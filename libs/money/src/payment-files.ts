/**
 * Payment files of a payout batch: a CSV for people and an ISO 20022 pain.001.001.09
 * (CustomerCreditTransferInitiationV09) XML for the bank. Pure and deterministic: the same
 * batch (including its creation time, an input) gives the same bytes.
 */
import { MoneyError } from './errors';
import type { Money } from './money';
import { decimalAmount } from './payouts';

/** The account paying or being paid: an IBAN, or another scheme's account number. */
export type AccountIdentifier = { iban: string } | { other: string; scheme?: string };

export interface CreditTransfer {
  /** Unique in the batch, at most 35 characters (pain.001 Max35Text): the EndToEndId. */
  endToEndId: string;
  amount: Money;
  creditorName: string;
  creditorAccount: AccountIdentifier;
  /** The creditor's bank, when known: a BIC, or a clearing system member id (e.g. CACPA, a Canadian routing number). */
  creditorAgent?: { bic: string } | { clearingSystem: string; memberId: string };
  /** Unstructured remittance information, at most 140 characters. */
  remittance: string;
}

export interface PaymentBatch {
  /** At most 35 characters: the MsgId and, with a suffix, the PmtInfId. */
  messageId: string;
  /** ISO 8601 UTC creation time (an input: this library reads no clock). */
  createdAt: string;
  /** Requested execution date, YYYY-MM-DD. */
  executionDate: string;
  debtorName: string;
  debtorAccount: AccountIdentifier;
  /** The debtor's bank: a BIC, a clearing system member id, or another identifier (e.g. NOTPROVIDED). */
  debtorAgent: { bic: string } | { clearingSystem: string; memberId: string } | { other: string };
  transfers: readonly CreditTransfer[];
}

const MAX35 = /^[^\s]{1,35}$/;

function invalid(message: string): never {
  throw new MoneyError('MONEY.INVALID_AMOUNT', `payment file: ${message}`);
}

/** XML 1.0 text escaping, dropping characters XML cannot carry. */
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function trimTo(text: string, max: number): string {
  return [...text].slice(0, max).join('');
}

function account(a: AccountIdentifier, indent: string): string {
  if ('iban' in a) return `${indent}<Id><IBAN>${xml(a.iban)}</IBAN></Id>`;
  const scheme = a.scheme ? `<SchmeNm><Prtry>${xml(trimTo(a.scheme, 35))}</Prtry></SchmeNm>` : '';
  return `${indent}<Id><Othr><Id>${xml(trimTo(a.other, 34))}</Id>${scheme}</Othr></Id>`;
}

/** The content of a FinInstnId. */
function institution(a: PaymentBatch['debtorAgent']): string {
  if ('bic' in a) return `<BICFI>${xml(a.bic)}</BICFI>`;
  if ('clearingSystem' in a) return `<ClrSysMmbId><ClrSysId><Cd>${xml(a.clearingSystem)}</Cd></ClrSysId><MmbId>${xml(trimTo(a.memberId, 35))}</MmbId></ClrSysMmbId>`;
  return `<Othr><Id>${xml(trimTo(a.other, 35))}</Id></Othr>`;
}

function creditorAgent(a: CreditTransfer['creditorAgent']): string[] {
  return a ? [`        <CdtrAgt><FinInstnId>${institution(a)}</FinInstnId></CdtrAgt>`] : [];
}

/** The batch's totals: the number of transfers and the control sum, in minor units. */
export function batchTotals(batch: Pick<PaymentBatch, 'transfers'>): { count: number; sum: Money | undefined } {
  const currencies = new Set(batch.transfers.map((t) => t.amount.currency));
  if (currencies.size > 1) invalid('one currency per batch');
  const sum = batch.transfers.reduce((s, t) => s + t.amount.amount, 0n);
  const currency = batch.transfers[0]?.amount.currency;
  return { count: batch.transfers.length, sum: currency === undefined ? undefined : { amount: sum, currency } };
}

function check(batch: PaymentBatch): void {
  if (!MAX35.test(batch.messageId) || batch.messageId.length > 32) invalid('messageId must be 1-32 characters without spaces');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(batch.createdAt)) invalid('createdAt must be an ISO 8601 UTC time');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(batch.executionDate)) invalid('executionDate must be YYYY-MM-DD');
  if (batch.transfers.length === 0) invalid('a batch needs at least one transfer');
  const ids = new Set<string>();
  for (const t of batch.transfers) {
    if (!MAX35.test(t.endToEndId)) invalid(`endToEndId ${t.endToEndId} must be 1-35 characters without spaces`);
    if (ids.has(t.endToEndId)) invalid(`endToEndId ${t.endToEndId} repeats`);
    ids.add(t.endToEndId);
    if (t.amount.amount <= 0n) invalid('every transfer must be > 0');
  }
}

/**
 * The pain.001.001.09 document: one group header (MsgId, CreDtTm, NbOfTxs, CtrlSum,
 * InitgPty) and one payment information block (credit transfers, SLEV charges) with one
 * CdtTrfTxInf per transfer. NbOfTxs and CtrlSum are written in both blocks, as the
 * schema allows and most banks require.
 */
export function pain001Xml(batch: PaymentBatch): string {
  check(batch);
  const { count, sum } = batchTotals(batch);
  const ctrlSum = decimalAmount(sum!);
  const agent = institution(batch.debtorAgent);
  const transfers = batch.transfers.map((t) =>
    [
      '      <CdtTrfTxInf>',
      `        <PmtId><InstrId>${xml(t.endToEndId)}</InstrId><EndToEndId>${xml(t.endToEndId)}</EndToEndId></PmtId>`,
      `        <Amt><InstdAmt Ccy="${xml(t.amount.currency)}">${decimalAmount(t.amount)}</InstdAmt></Amt>`,
      // CdtrAgt comes before Cdtr in the schema's sequence.
      ...creditorAgent(t.creditorAgent),
      `        <Cdtr><Nm>${xml(trimTo(t.creditorName, 140))}</Nm></Cdtr>`,
      `        <CdtrAcct>${account(t.creditorAccount, '')}</CdtrAcct>`,
      `        <RmtInf><Ustrd>${xml(trimTo(t.remittance, 140))}</Ustrd></RmtInf>`,
      '      </CdtTrfTxInf>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">',
    '  <CstmrCdtTrfInitn>',
    '    <GrpHdr>',
    `      <MsgId>${xml(batch.messageId)}</MsgId>`,
    `      <CreDtTm>${batch.createdAt}</CreDtTm>`,
    `      <NbOfTxs>${count}</NbOfTxs>`,
    `      <CtrlSum>${ctrlSum}</CtrlSum>`,
    `      <InitgPty><Nm>${xml(trimTo(batch.debtorName, 140))}</Nm></InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      <PmtInfId>${xml(batch.messageId)}-1</PmtInfId>`,
    '      <PmtMtd>TRF</PmtMtd>',
    `      <NbOfTxs>${count}</NbOfTxs>`,
    `      <CtrlSum>${ctrlSum}</CtrlSum>`,
    `      <ReqdExctnDt><Dt>${batch.executionDate}</Dt></ReqdExctnDt>`,
    `      <Dbtr><Nm>${xml(trimTo(batch.debtorName, 140))}</Nm></Dbtr>`,
    `      <DbtrAcct>${account(batch.debtorAccount, '')}</DbtrAcct>`,
    `      <DbtrAgt><FinInstnId>${agent}</FinInstnId></DbtrAgt>`,
    '      <ChrgBr>SLEV</ChrgBr>',
    ...transfers,
    '    </PmtInf>',
    '  </CstmrCdtTrfInitn>',
    '</Document>',
    '',
  ].join('\n');
}

/** RFC 4180 field quoting. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The batch as CSV (RFC 4180, CRLF): one row per transfer, amounts in decimal and in minor units. */
export function payoutCsv(batch: Pick<PaymentBatch, 'transfers'>): string {
  const header = ['end_to_end_id', 'creditor_name', 'creditor_account', 'currency', 'amount', 'amount_minor', 'remittance'];
  const rows = batch.transfers.map((t) => [
    t.endToEndId,
    t.creditorName,
    'iban' in t.creditorAccount ? t.creditorAccount.iban : t.creditorAccount.other,
    t.amount.currency,
    decimalAmount(t.amount),
    t.amount.amount.toString(),
    t.remittance,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
