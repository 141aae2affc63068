import { importVerificationKey, MerchantAckMessage, verifyTyped } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { operatorKey } from '../../test/support/fake-parties.ts';
import { MERCHANT_ID, MTA_ID, merchantFixture } from '../../test/support/merchant-fixture.ts';
import { createMemoryMerchantStore, MerchantError } from '../index.ts';

async function fixture() {
  return merchantFixture(createMemoryMerchantStore());
}

describe('handleInformation', () => {
  it('stores the session and answers with an ack signed by the merchant key', async () => {
    const fx = await fixture();
    const info = await fx.information({ depositMinor: 874n });
    const { merchantAck } = await fx.merchant.handleInformation({ information: info.jws });
    const merchantKey = await importVerificationKey(fx.merchantKey.publicJwk);
    const ack = await verifyTyped(merchantAck, MerchantAckMessage, {
      resolveKey: async (kid) =>
        kid === merchantKey.kid ? { key: merchantKey, issuer: MERCHANT_ID } : undefined,
      audience: MTA_ID,
    });
    expect(ack.body).toEqual({
      transactionId: info.transactionId,
      pseudonym: info.pseudonym,
      depositMinor: 874n,
      currency: 'EUR',
    });
    expect(await fx.merchant.getSession(info.transactionId)).toMatchObject({
      pseudonym: info.pseudonym,
      depositMinor: 874n,
      seq: 0,
      cumulativeMinor: 0n,
      status: 'open',
      informationJws: info.jws,
    });
  });

  it('answers a retried information message with the stored ack, and refuses a conflicting one', async () => {
    const fx = await fixture();
    const info = await fx.information();
    const first = await fx.merchant.handleInformation({ information: info.jws });
    expect(await fx.merchant.handleInformation({ information: info.jws })).toEqual(first);
    const other = await fx.information({ transactionId: info.transactionId });
    await expect(fx.merchant.handleInformation({ information: other.jws })).rejects.toMatchObject({
      code: 'information_conflict',
      statusCode: 409,
    });
  });

  it('refuses information for another merchant, from an unpublished key, expired, or malformed', async () => {
    const fx = await fixture();
    const refuse = async (body: unknown, code: string) => {
      const error = await fx.merchant
        .handleInformation(body as { information: string })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MerchantError);
      expect(error).toMatchObject({ code });
    };
    await refuse({ information: (await fx.information({ aud: 'shop-2' })).jws }, 'information_invalid');
    await refuse(
      { information: (await fx.information({ key: await operatorKey(MTA_ID) })).jws },
      'information_key_unknown',
    );
    await refuse(
      { information: (await fx.information({ expiresAtMs: Date.now() - 1 })).jws },
      'information_expired',
    );
    await refuse({ info: 'x' }, 'request_malformed');
    await refuse({ information: 'not.a.jws' }, 'information_invalid');
  });

  it('fetches the MTA document once, and refetches on an unknown kid at most once per interval', async () => {
    const fx = await fixture();
    await fx.openSession();
    await fx.openSession();
    expect(fx.documentFetches()).toBe(1);
    const rogue = await operatorKey(MTA_ID);
    for (let i = 0; i < 5; i++) {
      await fx.merchant
        .handleInformation({ information: (await fx.information({ key: rogue })).jws })
        .catch(() => undefined);
    }
    expect(fx.documentFetches()).toBe(1); // the first fetch was within the interval
  });
});
