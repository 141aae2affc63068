import { resolve } from 'node:path';
import { PURCHASE_REQUEST_MESSAGE_TYPE } from '@tallystick/operator';
import { signMessage } from '@tallystick/protocol';
import type { CliIo } from '../../io.ts';
import { EXIT_FAILURE, EXIT_OK } from '../../io.ts';
import { balanceOf, checkLedger } from '../../network/ledger.ts';
import { CUSTOMER_OPERATOR, HOST, MERCHANT_OPERATOR } from '../../network/model.ts';
import { type LocalNetwork, startLocalNetwork } from '../../network/network.ts';
import { registerCustomer, registerMerchant } from '../../network/parties.ts';
import { formatMoney } from '../money.ts';
import { createNarrator, type Narrator, QUIET } from '../print.ts';
import { signAffirmation } from './affirmation.ts';
import { defaultArtefactsDir, fetchIssuedItems, printArtefacts, publishArtefacts } from './artefacts.ts';
import { listenBoxOffice } from './box-office.ts';
import { AMOUNT_MINOR, itemsOf } from './flow.ts';
import { partyClient } from './http.ts';

export const REQUEST_TO_PAY_CROSS = 'request-to-pay-cross';
const CUSTOMER_CREDIT_MINOR = 100_000n;
const REQUEST_TTL_MS = 600_000;
const WEBHOOK_WAIT_MS = 15_000;

interface CrossView {
  readonly id: string;
  readonly merchantId: string;
  readonly amountMinor: string;
  readonly currency: string;
  readonly itemsHash: string;
  readonly status: string;
  readonly chargeMinor: string;
  readonly chargeCurrency: string;
  readonly feeMinor: string | null;
  readonly transferId: string | null;
}

/**
 * `tally demo --scenario request-to-pay-cross [--artefacts-dir <dir>] [--json]`: the box office at
 * op-b (EUR) asks a customer of op-a (SEK) to pay. op-b forwards the request
 * with its quoted rate, op-a shows it and debits her in SEK (rounded up), op-b
 * credits the box office in EUR less its fee and tells it by signed webhook;
 * the two operators' interop accounts hold the debt until settlement. op-b
 * issues the items (signed by its PSD key, naming her by the pseudonym op-a
 * relayed); they are written to disk and checked as `tally verify` reads them.
 */
export async function requestToPayCrossDemo(
  options: { readonly json: boolean; readonly artefactsDir?: string | undefined },
  io: CliIo,
): Promise<number> {
  const network = await startLocalNetwork({ storage: { kind: 'memory' }, basePort: 0, logLevel: 'silent' });
  try {
    const { report, artefacts } = await runCross(network, options.json ? QUIET : createNarrator(io.out));
    const dir = resolve(options.artefactsDir ?? defaultArtefactsDir(new Date()));
    const { paths, verification, valid } = await publishArtefacts(dir, artefacts);
    const books = {
      [CUSTOMER_OPERATOR.id]: (await checkLedger(network.customerOperator.node.db.kysely)).balanced,
      [MERCHANT_OPERATOR.id]: (await checkLedger(network.merchantOperator.node.db.kysely)).balanced,
    };
    const ok = Object.values(books).every(Boolean) && report.webhook.applied === 1 && valid;
    const result = { ...report, artefacts: paths, verification, ledgerBalanced: books };
    if (options.json) io.out(JSON.stringify(result, null, 2));
    else printArtefacts(io, paths, verification);
    if (!ok) {
      io.err(
        'tally: the books do not balance, the webhook was not applied once, or the issued items did not verify ' +
          '(a bug: please report it)',
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    await network.close();
  }
}

async function runCross(network: LocalNetwork, say: Narrator) {
  const opA = network.customerOperator;
  const opB = network.merchantOperator;
  let merchantId = '';
  const boxOffice = await listenBoxOffice(HOST, () => merchantId);
  try {
    say.step(`Register a box office at ${opB.spec.id} (EUR) and a customer at ${opA.spec.id} (SEK)`);
    const merchant = await registerMerchant(opB, {
      displayName: 'Tally Live box office',
      endpointUrl: boxOffice.endpointUrl,
    });
    merchantId = merchant.id;
    boxOffice.trust(await partyClient(opB.url, undefined).json('GET', '/v1/trust-list'));
    const customer = await registerCustomer(opA, {
      displayName: 'Customer of op-a',
      creditLimitMinor: CUSTOMER_CREDIT_MINOR,
    });
    const asCustomer = partyClient(opA.url, customer.apiKey);
    const asMerchant = partyClient(opB.url, merchant.apiKey);
    const { alias } = await asCustomer.json<{ alias: string }>('POST', '/v1/customer-aliases');
    const customerRef = `${alias}@${opA.spec.id}`;
    say.detail(`she gives the box office the reference ${customerRef}: her operator, not her account`);

    say.step(
      `First connection: the box office signs a request to ${opB.spec.id}, which forwards it to ${opA.spec.id}`,
    );
    const now = network.clock.now();
    const jws = await signMessage(merchant.key, {
      mty: PURCHASE_REQUEST_MESSAGE_TYPE,
      iss: merchant.id,
      aud: opB.spec.id,
      nowMs: now.getTime(),
      body: {
        requestId: `order-${now.getTime()}`,
        customerRef,
        amountMinor: AMOUNT_MINOR,
        currency: MERCHANT_OPERATOR.currency,
        description: 'Tally Live: two tickets and a programme',
        items: itemsOf(now),
        expiresAt: new Date(now.getTime() + REQUEST_TTL_MS).toISOString(),
      },
    });
    const request = await asMerchant.json<CrossView>('POST', '/v1/purchase-requests', { jws });
    say.detail(
      `${request.id}: ${formatMoney(BigInt(request.amountMinor), request.currency)}, ` +
        `she pays ${formatMoney(BigInt(request.chargeMinor), request.chargeCurrency)} (rounded up)`,
    );

    say.step(
      `Second connection: she sees it at ${opA.spec.id} and signs her affirmation, SEK amount included`,
    );
    const pending = await asCustomer.json<{ requests: CrossView[] }>('GET', '/v1/purchase-requests');
    const shown = pending.requests.find((r) => r.id === request.id);
    if (!shown) throw new Error(`assertion: ${request.id} is pending at ${opA.spec.id}`);
    const before = {
      customer: (await balanceOf(opA.node.db.kysely, customer.accountId, CUSTOMER_OPERATOR.currency))
        .postedMinor,
      merchant: (await balanceOf(opB.node.db.kysely, merchant.accountId, MERCHANT_OPERATOR.currency))
        .postedMinor,
    };
    const affirmation = await signAffirmation(customer, opA.spec.id, shown, network.clock.now().getTime());
    const affirmed = await asCustomer.json<CrossView>('POST', `/v1/purchase-requests/${shown.id}/answer`, {
      jws: affirmation,
    });
    const atMerchantOperator = await asMerchant.json<CrossView>('GET', `/v1/purchase-requests/${request.id}`);
    const after = {
      customer: (await balanceOf(opA.node.db.kysely, customer.accountId, CUSTOMER_OPERATOR.currency))
        .postedMinor,
      merchant: (await balanceOf(opB.node.db.kysely, merchant.accountId, MERCHANT_OPERATOR.currency))
        .postedMinor,
    };
    say.detail(`${opA.spec.id}: ${affirmed.status}; ${opB.spec.id}: ${atMerchantOperator.status}`);

    say.step(`${opB.spec.id} tells the box office by signed webhook`);
    const delivery = await boxOffice.delivered(`${request.id}.paid`, WEBHOOK_WAIT_MS);
    say.detail(`${delivery.type} applied ${delivery.applied} time(s)`);
    const interop = {
      [`${opA.spec.id} op.op-a.interop.op-b.SEK`]: (
        await balanceOf(opA.node.db.kysely, 'op.op-a.interop.op-b.SEK', 'SEK')
      ).postedMinor.toString(),
      [`${opB.spec.id} op.op-b.interop.op-a.SEK`]: (
        await balanceOf(opB.node.db.kysely, 'op.op-b.interop.op-a.SEK', 'SEK')
      ).postedMinor.toString(),
    };

    say.step(
      `Fulfilment: ${opB.spec.id} issues the items, naming her by the pseudonym ${opA.spec.id} relayed`,
    );
    // She is no party at op-b: the box office fetches what it hands her.
    const { items, artefacts } = await fetchIssuedItems(asMerchant, request.id);
    for (const item of items) say.detail(`${item.kind.padEnd(11)} ${item.id}`);
    const report = {
      scenario: REQUEST_TO_PAY_CROSS,
      customer: { operatorId: opA.spec.id, id: customer.id, customerRef },
      merchant: { operatorId: opB.spec.id, id: merchant.id, webhookUrl: boxOffice.endpointUrl },
      request,
      affirmation: {
        decision: 'affirm',
        atCustomerOperator: affirmed.status,
        atMerchantOperator: atMerchantOperator.status,
      },
      transfer: {
        chargeMinor: request.chargeMinor,
        chargeCurrency: request.chargeCurrency,
        amountMinor: request.amountMinor,
        currency: request.currency,
        feeMinor: atMerchantOperator.feeMinor,
        customerPostedMinor: { before: String(before.customer), after: String(after.customer) },
        merchantPostedMinor: { before: String(before.merchant), after: String(after.merchant) },
        interopPostedMinor: interop,
      },
      webhook: delivery,
      items,
    };
    return { report, artefacts };
  } finally {
    await boxOffice.close();
  }
}
