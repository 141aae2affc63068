import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables. Every domain adds its tables here beside its migration. */
export interface Schema {
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
  parties: PartiesTable;
  party_keys: PartyKeysTable;
  credit_limit_changes: CreditLimitChangesTable;
  jws_replay: JwsReplayTable;
  operator_keys: OperatorKeysTable;
  billing_records: BillingRecordsTable;
  am_sessions: AmSessionsTable;
  am_transactions: AmTransactionsTable;
  am_clearings: AmClearingsTable;
  mta_transactions: MtaTransactionsTable;
  mta_records: MtaRecordsTable;
  mta_clearings: MtaClearingsTable;
  mta_outbox: MtaOutboxTable;
  psd_keys: PsdKeysTable;
  psd_registers: PsdRegistersTable;
  psd_register_entries: PsdRegisterEntriesTable;
  customer_aliases: CustomerAliasesTable;
  purchase_requests: PurchaseRequestsTable;
  rtp_peer_outbox: RtpPeerOutboxTable;
  passkey_credentials: PasskeyCredentialsTable;
  passkey_challenges: PasskeyChallengesTable;
  webhook_outbox: WebhookOutboxTable;
  billing_webhook_outbox: BillingWebhookOutboxTable;
  fulfilment_items: FulfilmentItemsTable;
  funding_instruments: FundingInstrumentsTable;
  settlement_batches: SettlementBatchesTable;
  settlement_items: SettlementItemsTable;
}

export interface LedgerAccountsTable {
  id: string;
  currency: string;
  kind: string;
  flags: number;
  debits_pending: Generated<bigint>;
  debits_posted: Generated<bigint>;
  credits_pending: Generated<bigint>;
  credits_posted: Generated<bigint>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface LedgerTransfersTable {
  seq: Generated<bigint>;
  id: string;
  kind: 'single' | 'pending' | 'post' | 'void' | 'expire';
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  currency: string;
  /** 1 = linked (TigerBeetle's flag bit). */
  flags: number;
  pending_id: string | null;
  timeout_seconds: number;
  expires_at: Date | null;
  pending_status: 'pending' | 'posted' | 'voided' | 'expired' | null;
  code: number;
  user_data: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PartiesTable {
  id: string;
  kind: 'customer' | 'merchant';
  display_name: string;
  account_id: string;
  currency: string;
  endpoint_url: string | null;
  credit_limit_minor: ColumnType<bigint, bigint | undefined, bigint>;
  api_key_sha256: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PartyKeysTable {
  kid: string;
  party_id: string;
  alg: 'ES256' | 'EdDSA';
  /** The public JWK as JSON text: the same bytes back on both engines. */
  public_jwk: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface CreditLimitChangesTable {
  customer_id: string;
  request_id: string;
  credit_limit_minor: bigint;
  previous_credit_limit_minor: bigint;
  transfer_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface JwsReplayTable {
  issuer: string;
  jti: string;
  expires_at: Date;
}

export interface OperatorKeysTable {
  kid: string;
  operator_id: string;
  alg: 'ES256' | 'EdDSA';
  private_jwk: string;
  public_jwk: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface BillingRecordsTable {
  transaction_id: string;
  kind: 'withdrawal' | 'deposit';
  party_id: string;
  amount_minor: bigint;
  currency: string;
  rate_base: string;
  rate_quote: string;
  rate_numerator: bigint;
  rate_denominator: bigint;
  fee_minor: bigint;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface AmSessionsTable {
  id: string;
  customer_id: string;
  next_transaction_seq: ColumnType<bigint, bigint | undefined, bigint>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface AmTransactionsTable {
  id: string;
  session_id: string;
  customer_id: string;
  status: 'initiating' | 'open' | 'failed' | 'cleared';
  initiation_jti: string;
  initiation_jws: string;
  merchant_id: string;
  mta_operator_id: string;
  pseudonym: string;
  /** The session's public JWK as JSON text. */
  session_key: string;
  deposit_minor: bigint;
  currency: string;
  expires_at: Date;
  hold_id: string;
  merchant_currency: string | null;
  deposit_merchant_minor: bigint | null;
  rate_numerator: bigint | null;
  rate_denominator: bigint | null;
  mta_ack_jws: string | null;
  session_ready_jws: string | null;
  error_code: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface AmClearingsTable {
  transaction_id: string;
  outcome: string;
  reason: string;
  voucher_seq: bigint;
  cleared_customer_minor: bigint;
  released_customer_minor: bigint;
  cleared_merchant_minor: bigint;
  fee_minor: bigint;
  ledger_transfer_id: string | null;
  clearing_jws: string;
  cleared_at: Date;
}

export interface MtaTransactionsTable {
  id: string;
  am_operator_id: string;
  merchant_id: string;
  status: 'open' | 'cleared';
  pseudonym: string;
  session_key: string;
  offer_id: string;
  deposit_customer_minor: bigint;
  customer_currency: string;
  deposit_merchant_minor: bigint;
  merchant_currency: string;
  rate_numerator: bigint;
  rate_denominator: bigint;
  expires_at: Date;
  amended_initiation_jws: string;
  merchant_ack_jws: string;
  mta_ack_jws: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface MtaRecordsTable {
  transaction_id: string;
  side: 'customer' | 'merchant';
  record_jws: string;
  purchase_count: number;
  total_minor: bigint;
  purchase_list_hash: string;
  last_seq: bigint;
  last_voucher_jws: string | null;
  received_at: Date;
}

export interface MtaClearingsTable {
  transaction_id: string;
  outcome: string;
  reason: string;
  voucher_seq: bigint;
  cleared_merchant_minor: bigint;
  cleared_customer_minor: bigint;
  released_customer_minor: bigint;
  /** The clearing body in its wire form (JSON text): signed afresh for each delivery. */
  body: string;
  cleared_at: Date;
}

export interface MtaOutboxTable {
  transaction_id: string;
  am_operator_id: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_error: string | null;
  last_jws: string | null;
}

export interface PsdKeysTable {
  psd_id: string;
  label: string;
  kind: 'sign' | 'exchange' | 'kek';
  kid: string;
  alg: string;
  public_jwk: string | null;
  /** The private or secret key, AES-GCM sealed under the PSD's master key (base64url of iv || ciphertext). */
  sealed_secret: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PsdRegistersTable {
  psd_id: string;
  register: string;
  seq: bigint;
  ascending_minor: bigint;
  descending_minor: bigint;
  piece_count: bigint;
  control_sum_minor: bigint;
  hash: string;
}

export interface PsdRegisterEntriesTable {
  psd_id: string;
  register: string;
  seq: bigint;
  op: 'credit' | 'debit';
  amount_minor: bigint;
  ascending_minor: bigint;
  descending_minor: bigint;
  piece_count: bigint;
  control_sum_minor: bigint;
  ref: string;
  prev_hash: string;
  hash: string;
  signature: string;
  kid: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface CustomerAliasesTable {
  alias: string;
  customer_id: string;
  pseudonym: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PurchaseRequestsTable {
  id: string;
  merchant_id: string;
  merchant_request_id: string;
  /** Null at the merchant's operator when the customer is at another one. */
  customer_id: string | null;
  customer_ref: string;
  amount_minor: bigint;
  currency: string;
  description: string;
  /** The item list in its canonical JSON form. */
  items: string;
  items_hash: string;
  body_sha256: string;
  expires_at: Date;
  status: 'pending' | 'affirmed' | 'declined' | 'reversed';
  request_jws: string;
  answer_jws: string | null;
  answer_method: 'jws' | 'webauthn' | null;
  transfer_id: string | null;
  fee_minor: bigint | null;
  answered_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** Cross-operator request-to-pay (030): the customer's operator, set at the merchant's. */
  customer_operator_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The merchant's operator, set at the customer's. */
  merchant_operator_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the customer pays, in her currency (rounded up from the merchant amount). */
  charge_minor: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
  charge_currency: ColumnType<string | null, string | null | undefined, string | null>;
  /** The quoted rate as JSON `{base, quote, numerator, denominator}` (strings). */
  rate: ColumnType<string | null, string | null | undefined, string | null>;
  forward_jws: ColumnType<string | null, string | null | undefined, string | null>;
  /** At the merchant's operator (033): the pseudonym her operator relayed with her answer. */
  customer_pseudonym: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RtpPeerOutboxTable {
  id: string;
  peer_operator_id: string;
  path: string;
  jws: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface PasskeyCredentialsTable {
  /** The credential id, base64url. */
  id: string;
  customer_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  sign_count: bigint;
  transports: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_used_at: Date | null;
}

export interface PasskeyChallengesTable {
  challenge: string;
  customer_id: string;
  purpose: 'register' | 'affirm';
  request_id: string | null;
  decision: 'affirm' | 'decline' | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface WebhookOutboxTable {
  id: string;
  merchant_id: string;
  url: string;
  event_type: string;
  payload: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Migration 021: the billing webhook's outbox (billing/webhook). */
export type BillingWebhookOutboxTable = Omit<WebhookOutboxTable, 'merchant_id'>;

export interface FulfilmentItemsTable {
  id: string;
  request_id: string;
  merchant_id: string;
  /** Null when the customer is at another operator (033): then `customer_operator_id` names it. */
  customer_id: string | null;
  customer_operator_id: ColumnType<string | null, string | null | undefined, string | null>;
  kind: 'shipment' | 'ticket' | 'indicium' | 'certificate';
  status: string;
  data: string;
  indicium: string | null;
  indicium_text: string | null;
  checked_in_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface FundingInstrumentsTable {
  id: string;
  party_id: string;
  kind: 'card' | 'iban';
  masked: string;
  kek_label: string;
  wrapped_key: string;
  ciphertext: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface SettlementBatchesTable {
  id: string;
  role: 'initiator' | 'responder';
  peer_operator_id: string;
  currency: string;
  cut_off: Date;
  status: 'prepared' | 'sent' | 'acknowledged' | 'settled';
  /** This operator's view: positive when the peer owes us. */
  net_minor: bigint;
  item_count: number;
  statement_jws: string | null;
  acknowledgement_jws: string | null;
  ledger_transfer_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: Date;
}

export interface SettlementItemsTable {
  transaction_id: string;
  batch_id: string;
  /** This operator's view of one clearing: positive when the peer owes us. */
  amount_minor: bigint;
  cleared_at: Date;
}
