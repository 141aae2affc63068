import { createHash } from 'node:crypto';
import { currencyExponent } from '@tallystick/protocol';
import type { BillingRecord } from '../model.ts';
import { type BillingExporter, type ExportContext, minorToDecimal, rateToDecimal } from './model.ts';

/**
 * ISO 20022 camt.054.001.08, Bank to Customer Debit Credit Notification: one
 * `Ntfctn` per party account and currency, one booked `Ntry` per record, a
 * withdrawal a DBIT, a deposit a CRDT of the net credit with the acquiring fee
 * under `Chrgs` and the gross amount with its exchange rate under `AmtDtls`.
 * The exact rate fraction (the ISO rate is a truncated decimal) and the full
 * transaction id are in `AddtlTxInf`.
 */
export const CAMT054_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.08';
const MAX35 = 35;
/** BaseOneRate: at most 11 digits, 10 of them after the point. */
const RATE_TOTAL_DIGITS = 11;
const RATE_FRACTION_DIGITS = 10;

export const camt054Exporter: BillingExporter = {
  format: 'camt054',
  contentType: 'application/xml',
  render(records, context) {
    const groups = new Map<string, BillingRecord[]>();
    for (const record of records) {
      const key = `${record.partyId}|${record.currency}`;
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
    const stamp = context.now.toISOString();
    const msgId = max35(`${context.operatorId}-${context.now.getTime()}`);
    const notifications = [...groups.values()].map((group, i) => notification(group, i, msgId, stamp));
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<Document xmlns="${CAMT054_NAMESPACE}">`,
      '<BkToCstmrDbtCdtNtfctn>',
      `<GrpHdr><MsgId>${esc(msgId)}</MsgId><CreDtTm>${stamp}</CreDtTm></GrpHdr>`,
      ...notifications,
      '</BkToCstmrDbtCdtNtfctn>',
      '</Document>',
      '',
    ].join('\n');
  },
};

function notification(
  records: readonly BillingRecord[],
  index: number,
  msgId: string,
  stamp: string,
): string {
  const first = records[0];
  if (!first) throw new Error('assertion: empty notification group');
  return [
    '<Ntfctn>',
    `<Id>${esc(max35(`${msgId}-${index + 1}`))}</Id>`,
    `<CreDtTm>${stamp}</CreDtTm>`,
    `<Acct><Id><Othr><Id>${esc(first.partyId.slice(0, 34))}</Id></Othr></Id><Ccy>${first.currency}</Ccy></Acct>`,
    ...records.map(entry),
    '</Ntfctn>',
  ].join('\n');
}

function entry(record: BillingRecord): string {
  const e = currencyExponent(record.currency);
  const amount = (minor: bigint) => `<Amt Ccy="${record.currency}">${minorToDecimal(minor, e)}</Amt>`;
  const credit = record.kind === 'deposit';
  const booked = credit ? record.amountMinor - record.feeMinor : record.amountMinor;
  const indicator = credit ? 'CRDT' : 'DBIT';
  const ref = max35(record.transactionId);
  const booking = `<DtTm>${record.createdAt.toISOString()}</DtTm>`;
  const rate = record.rate;
  const exchange =
    rate.base === rate.quote
      ? ''
      : `<CcyXchg><SrcCcy>${rate.base}</SrcCcy><TrgtCcy>${rate.quote}</TrgtCcy><XchgRate>${baseOneRate(rate.numerator, rate.denominator)}</XchgRate></CcyXchg>`;
  const charges =
    record.feeMinor > 0n
      ? `<Chrgs><TtlChrgsAndTaxAmt Ccy="${record.currency}">${minorToDecimal(record.feeMinor, e)}</TtlChrgsAndTaxAmt><Rcrd>${amount(record.feeMinor)}<CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>true</ChrgInclInd></Rcrd></Chrgs>`
      : '';
  const info = `tally ${record.kind} ${record.transactionId}; rate 1 ${rate.base} = ${rate.numerator}/${rate.denominator} ${rate.quote}; gross ${record.amountMinor} fee ${record.feeMinor} minor units`;
  return [
    '<Ntry>',
    `<NtryRef>${esc(ref)}</NtryRef>`,
    amount(booked),
    `<CdtDbtInd>${indicator}</CdtDbtInd>`,
    '<Sts><Cd>BOOK</Cd></Sts>',
    `<BookgDt>${booking}</BookgDt>`,
    `<ValDt>${booking}</ValDt>`,
    `<AcctSvcrRef>${esc(ref)}</AcctSvcrRef>`,
    '<BkTxCd><Prtry><Cd>TALLY</Cd><Issr>Tallystick</Issr></Prtry></BkTxCd>',
    charges,
    '<NtryDtls><TxDtls>',
    `<Refs><EndToEndId>${esc(ref)}</EndToEndId></Refs>`,
    amount(booked),
    `<CdtDbtInd>${indicator}</CdtDbtInd>`,
    `<AmtDtls><TxAmt>${amount(record.amountMinor)}${exchange}</TxAmt></AmtDtls>`,
    `<AddtlTxInf>${esc(info.slice(0, 500))}</AddtlTxInf>`,
    '</TxDtls></NtryDtls>',
    '</Ntry>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** BaseOneRate allows 11 digits: as many fraction digits (up to 10) as the integer part leaves. */
function baseOneRate(numerator: bigint, denominator: bigint): string {
  const integerDigits = (numerator / denominator).toString().length;
  const fractionDigits = Math.max(0, Math.min(RATE_FRACTION_DIGITS, RATE_TOTAL_DIGITS - integerDigits));
  return rateToDecimal(numerator, denominator, fractionDigits);
}

/** Max35Text: an id that fits is kept; a longer one becomes a stable 32-hex digest (the full id is in AddtlTxInf). */
function max35(text: string): string {
  return text.length <= MAX35 ? text : createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export type { ExportContext };
