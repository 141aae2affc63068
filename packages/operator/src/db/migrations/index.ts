import type { Migration } from 'kysely/migration';
import { ledger001 } from './001-ledger.ts';
import { parties002 } from './002-parties.ts';
import { operatorKeys003 } from './003-operator-keys.ts';
import { billing004 } from './004-billing.ts';
import { accountManager005 } from './005-account-manager.ts';
import { mediatingTrustedAgent006 } from './006-mediating-trusted-agent.ts';
import { psd010 } from './010-psd.ts';
import { purchaseRequests011 } from './011-purchase-requests.ts';
import { fulfilment012 } from './012-fulfilment.ts';
import { fundingInstruments013 } from './013-funding-instruments.ts';
import { settlement020 } from './020-settlement.ts';
import { billingWebhooks021 } from './021-billing-webhooks.ts';
import { rtpCrossOperatorPasskeys030 } from './030-rtp-cross-operator-passkeys.ts';
import { deferredLedgerReferences031 } from './031-deferred-ledger-references.ts';
import { ledgerUnlimitedAccountsUnlocked032 } from './032-ledger-unlimited-accounts-unlocked.ts';
import { rtpCrossFulfilment033 } from './033-rtp-cross-fulfilment.ts';

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '001-ledger': ledger001,
  '002-parties': parties002,
  '003-operator-keys': operatorKeys003,
  '004-billing': billing004,
  '005-account-manager': accountManager005,
  '006-mediating-trusted-agent': mediatingTrustedAgent006,
  '010-psd': psd010,
  '011-purchase-requests': purchaseRequests011,
  '012-fulfilment': fulfilment012,
  '013-funding-instruments': fundingInstruments013,
  '020-settlement': settlement020,
  '021-billing-webhooks': billingWebhooks021,
  '030-rtp-cross-operator-passkeys': rtpCrossOperatorPasskeys030,
  '031-deferred-ledger-references': deferredLedgerReferences031,
  '032-ledger-unlimited-accounts-unlocked': ledgerUnlimitedAccountsUnlocked032,
  '033-rtp-cross-fulfilment': rtpCrossFulfilment033,
};
