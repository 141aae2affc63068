import type { BillingWebhookTarget } from '../billing/webhook/outbox.ts';
import type { DatabaseTarget } from '../db/database.ts';
import type { PeerConfig } from '../federation/directory.ts';
import type { AcquiringFee } from '../fees/model.ts';
import type { RelyingParty } from '../passkeys/model.ts';
import type { QuotedRate } from '../rates/model.ts';
import type { RatesFileConfig } from './rates-file.ts';

export const OPERATOR_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,31}$/;
export const HOST_DEFAULT = '127.0.0.1';
export const PORT_DEFAULT = 7070;
export const DATA_DIR_ROOT_DEFAULT = '.tally';
/** A shorter admin token is too easy to guess; generated ones are 256 bits. */
export const ADMIN_TOKEN_LENGTH_MIN = 32;
export const ADMIN_TOKEN_LENGTH_MAX = 256;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_DEFAULT: LogLevel = 'info';

/** Everything an operator node needs to start, read once and checked before anything opens. */
export interface OperatorConfig {
  readonly operatorId: string;
  /** ISO 4217 code of the operator's own books. */
  readonly currency: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly database: DatabaseTarget;
  /** Unset only for embedded storage (PGlite, memory): the node then generates one. */
  readonly adminToken?: string;
  readonly logLevel: LogLevel;
  /** TALLY_PEERS: the operators this node trades with; none when unset. */
  readonly peers?: readonly PeerConfig[];
  /** TALLY_RATES: the MTA's exchange rates, each with an optional validity window; same currency only when unset. */
  readonly rates?: readonly QuotedRate[];
  /** TALLY_RATES_SOURCE and TALLY_RATES_PUBLISHER_KEY: a signed rates file polled into memory; none when unset. */
  readonly ratesFile?: RatesFileConfig;
  /** TALLY_ACQUIRING_FEE: what the MTA keeps of each clearing to its merchants; none when unset. */
  readonly acquiringFee?: AcquiringFee;
  /** TALLY_BILLING_WEBHOOK_URL: where billing records are pushed, signed; none when unset. */
  readonly billingWebhook?: BillingWebhookTarget;
  /** TALLY_PASSKEY_RP_ID and TALLY_PASSKEY_ORIGIN: the WebAuthn relying party; each request's Host when unset. */
  readonly passkeyRelyingParty?: RelyingParty;
}

/** Command-line values; each wins over its environment variable. */
export interface ConfigOverrides {
  readonly operatorId?: string;
  readonly currency?: string;
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
  readonly memory?: boolean;
  readonly logLevel?: string;
}
