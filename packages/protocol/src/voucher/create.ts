import type { CryptoProvider } from '../crypto/provider.ts';
import type { SigningKey } from '../jws/keys.ts';
import { signTyped } from '../messages/define.ts';
import { type VoucherItem, VoucherMessage } from '../messages/voucher.ts';

export interface VoucherInput {
  readonly transactionId: string;
  /** The transaction's pseudonym: the voucher's issuer. */
  readonly pseudonym: string;
  /** The voucher's audience. */
  readonly merchantId: string;
  readonly seq: number;
  readonly cumulativeMinor: bigint;
  /** The merchant's currency. */
  readonly currency: string;
  readonly purchaseListHash: string;
  readonly item?: VoucherItem;
  readonly nowMs?: number;
  readonly jti?: string;
  readonly crypto?: CryptoProvider;
}

/**
 * Wallet side: signs a cumulative voucher with the transaction's session key.
 * Send one at a time: the next voucher after this one is accepted or refused,
 * so both purchase lists grow in the same order.
 */
export function createVoucher(sessionKey: SigningKey, input: VoucherInput): Promise<string> {
  return signTyped(
    sessionKey,
    VoucherMessage,
    {
      iss: input.pseudonym,
      aud: input.merchantId,
      ...(input.jti !== undefined ? { jti: input.jti } : {}),
      ...(input.nowMs !== undefined ? { nowMs: input.nowMs } : {}),
      ...(input.crypto !== undefined ? { crypto: input.crypto } : {}),
    },
    {
      transactionId: input.transactionId,
      seq: input.seq,
      cumulativeMinor: input.cumulativeMinor,
      currency: input.currency,
      purchaseListHash: input.purchaseListHash,
      ...(input.item !== undefined ? { item: input.item } : {}),
    },
  );
}
