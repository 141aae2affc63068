/** The merchant SDK's own tables; `migrate()` creates them (idempotent, one statement per query). */
export const SESSIONS_TABLE = 'tally_merchant_sessions';
export const VOUCHERS_TABLE = 'tally_merchant_vouchers';
/** Serialises concurrent `migrate()` calls of several processes (pg_advisory_xact_lock key). */
export const MIGRATION_LOCK_KEY = 7_104_233_001;

export const MIGRATION_STATEMENTS: readonly string[] = [
  `create table if not exists ${SESSIONS_TABLE} (
    transaction_id text primary key,
    merchant_id text not null,
    pseudonym text not null,
    session_key_jwk text not null,
    deposit_minor bigint not null check (deposit_minor > 0),
    currency text not null,
    rate text not null,
    offer_id text not null,
    expires_at_ms bigint not null,
    seq bigint not null default 0 check (seq >= 0),
    cumulative_minor bigint not null default 0 check (cumulative_minor between 0 and deposit_minor),
    purchase_count integer not null default 0 check (purchase_count >= 0),
    purchase_total_minor bigint not null default 0,
    purchase_list_hash text not null,
    last_voucher text,
    status text not null default 'open' check (status in ('open', 'terminated')),
    terminated_by text,
    terminate_reason text,
    terminate_jws text,
    terminate_last_seq bigint,
    terminated_at_ms bigint,
    information_jws text not null,
    merchant_ack_jws text not null,
    record_jws text,
    record_status text,
    record_submitted_at_ms bigint,
    created_at_ms bigint not null
  )`,
  `create table if not exists ${VOUCHERS_TABLE} (
    transaction_id text not null references ${SESSIONS_TABLE} (transaction_id),
    seq bigint not null check (seq >= 1),
    cumulative_minor bigint not null,
    amount_minor bigint not null,
    purchase_count integer not null,
    purchase_list_hash text not null,
    item text,
    jws text not null,
    accepted_at_ms bigint not null,
    primary key (transaction_id, seq)
  )`,
  // The expiry guard's query (`listAwaitingRecord`): partial, so recorded sessions cost the index nothing.
  `create index if not exists ${SESSIONS_TABLE}_awaiting_record_idx
    on ${SESSIONS_TABLE} (merchant_id, expires_at_ms) where record_status is null`,
];
