import { PURCHASE_REQUEST_MESSAGE_TYPE } from '@tallystick/operator';
import { signMessage, type TrustList } from '@tallystick/protocol';
import { balanceOf } from '../../network/ledger.ts';
import { HOST, MERCHANT_OPERATOR } from '../../network/model.ts';
import type { LocalNetwork } from '../../network/network.ts';
import { registerCustomer, registerMerchant } from '../../network/parties.ts';
import { formatMoney } from '../money.ts';
import type { Narrator } from '../print.ts';
import { signAffirmation } from './affirmation.ts';
import { fetchIssuedItems, type IssuedItem, type RequestToPayArtefacts } from './artefacts.ts';
import { listenBoxOffice, type WebhookDelivery } from './box-office.ts';
import { CallError, partyClient } from './http.ts';

/** 500.00 EUR of credit for the box office's customer. */
const CUSTOMER_CREDIT_MINOR = 50_000n;
const REQUEST_TTL_MS = 600_000;
/** The node's webhook loop polls every second; a few rounds is plenty on loopback. */
const WEBHOOK_WAIT_MS = 15_000;

/** Two tickets for tonight's show and a programme: 45.00 EUR. */
export function itemsOf(now: Date) {
  const day = now.toISOString().slice(0, 10);
  return [
    {
      kind: 'ticket',
      description: 'Tally Live, stalls',
      quantity: 2,
      unitPriceMinor: '2000',
      entry: {
        event: 'Tally Live',
        seat: 'A12',
        gate: '3',
        validFrom: `${day}T00:00:00Z`,
        validUntil: new Date(Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000).toISOString(),
      },
    },
    { kind: 'goods', description: 'Programme', quantity: 1, unitPriceMinor: '500' },
  ];
}
export const AMOUNT_MINOR = '4500';

interface RequestView {
  readonly id: string;
  readonly merchantId: string;
  readonly merchantRequestId: string;
  readonly amountMinor: string;
  readonly currency: string;
  readonly description: string;
  readonly itemsHash: string;
  readonly expiresAt: string;
  readonly status: string;
  readonly transferId: string | null;
  readonly feeMinor: string | null;
  readonly answeredAt: string | null;
}

/** What the demo reports; amounts are decimal strings of minor units, as on the wire. */
export interface RequestToPayReport {
  readonly scenario: 'request-to-pay';
  readonly operatorId: string;
  readonly customer: { readonly id: string; readonly accountId: string; readonly alias: string };
  readonly merchant: { readonly id: string; readonly accountId: string; readonly webhookUrl: string };
  readonly request: RequestView;
  readonly affirmation: {
    readonly decision: 'affirm';
    readonly status: string;
    readonly answeredAt: string | null;
  };
  readonly transfer: {
    readonly transferId: string;
    readonly currency: string;
    readonly amountMinor: string;
    readonly feeMinor: string;
    readonly creditedMinor: string;
    readonly customerPostedMinor: { readonly before: string; readonly after: string };
    readonly merchantPostedMinor: { readonly before: string; readonly after: string };
  };
  readonly webhook: WebhookDelivery & { readonly attempts: number; readonly deliveredAt: string | null };
  readonly items: readonly IssuedItem[];
  readonly ticketCheckIn: { readonly first: string; readonly second: string };
}

/**
 * Seed 000 end to end at op-b, over HTTP: the box office (a merchant) asks
 * for payment (first connection), the customer affirms (second connection),
 * op-b moves the money less its fee, tells the box office by signed webhook,
 * and issues tickets, a signed indicium and a receipt.
 */
export async function runRequestToPay(
  network: LocalNetwork,
  say: Narrator,
): Promise<{ report: RequestToPayReport; artefacts: RequestToPayArtefacts }> {
  const op = network.merchantOperator;
  const currency = MERCHANT_OPERATOR.currency;
  let merchantId = '';
  const boxOffice = await listenBoxOffice(HOST, () => merchantId);
  try {
    say.step(`Register a box office and a customer at ${op.spec.id}, both in ${currency}`);
    const merchant = await registerMerchant(op, {
      displayName: 'Tally Live box office',
      endpointUrl: boxOffice.endpointUrl,
    });
    merchantId = merchant.id;
    const customer = await registerCustomer(op, {
      displayName: 'Box office customer',
      creditLimitMinor: CUSTOMER_CREDIT_MINOR,
    });
    const asMerchant = partyClient(op.url, merchant.apiKey);
    const asCustomer = partyClient(op.url, customer.apiKey);
    const anyone = partyClient(op.url, undefined);
    const trustList = await anyone.json<TrustList>('GET', '/v1/trust-list');
    boxOffice.trust(trustList);
    const { alias } = await asCustomer.json<{ alias: string }>('POST', '/v1/customer-aliases');
    say.detail(`merchant ${merchant.id} (webhooks to ${boxOffice.endpointUrl})`);
    say.detail(`customer ${customer.id} with ${formatMoney(CUSTOMER_CREDIT_MINOR, currency)} of credit;`);
    say.detail(`it gives the box office the reference ${alias}, not its account`);
    say.detail(`(a customer of another operator: \`tally demo --scenario request-to-pay-cross\`)`);
    const balances = async () => ({
      customer: (await balanceOf(op.node.db.kysely, customer.accountId, currency)).postedMinor,
      merchant: (await balanceOf(op.node.db.kysely, merchant.accountId, currency)).postedMinor,
    });
    const before = await balances();

    say.step('First connection: the box office signs a purchase request and sends it to op-b');
    const now = network.clock.now();
    const requestJws = await signMessage(merchant.key, {
      mty: PURCHASE_REQUEST_MESSAGE_TYPE,
      iss: merchant.id,
      aud: op.spec.id,
      nowMs: now.getTime(),
      body: {
        requestId: `order-${now.getTime()}`,
        customerRef: alias,
        amountMinor: AMOUNT_MINOR,
        currency,
        description: 'Tally Live: two tickets and a programme',
        items: itemsOf(now),
        expiresAt: new Date(now.getTime() + REQUEST_TTL_MS).toISOString(),
      },
    });
    const request = await asMerchant.json<RequestView>('POST', '/v1/purchase-requests', { jws: requestJws });
    say.detail(
      `${request.id}: ${formatMoney(BigInt(request.amountMinor), currency)}, ${request.description}`,
    );

    say.step('Second connection: the customer sees the request and signs its affirmation');
    const pending = await asCustomer.json<{ requests: RequestView[] }>('GET', '/v1/purchase-requests');
    const shown = pending.requests.find((r) => r.id === request.id);
    if (!shown) throw new Error(`assertion: ${request.id} is pending for the customer`);
    const affirmationJws = await signAffirmation(customer, op.spec.id, shown, network.clock.now().getTime());
    const affirmed = await asCustomer.json<RequestView>(
      'POST',
      `/v1/purchase-requests/${request.id}/answer`,
      {
        jws: affirmationJws,
      },
    );
    const feeMinor = BigInt(affirmed.feeMinor ?? '0');
    const credited = BigInt(affirmed.amountMinor) - feeMinor;
    say.detail(
      `op-b moves ${formatMoney(BigInt(affirmed.amountMinor), currency)} from the customer: ` +
        `${formatMoney(credited, currency)} to the box office, ${formatMoney(feeMinor, currency)} fee (${affirmed.transferId})`,
    );

    say.step('op-b tells the box office by signed webhook; the box office checks the signature');
    const eventId = `${request.id}.paid`;
    const delivery = await boxOffice.delivered(eventId, WEBHOOK_WAIT_MS);
    const outbox = await outboxRow(network, eventId);
    say.detail(
      `${delivery.type} (${eventId}) applied ${delivery.applied} time(s), ${outbox.attempts} attempt(s)`,
    );

    say.step('Fulfilment: op-b issues tickets, a signed payment indicium and a transaction certificate');
    const { items, artefacts } = await fetchIssuedItems(asCustomer, request.id);
    for (const item of items) say.detail(`${item.kind.padEnd(11)} ${item.id}`);
    const ticket = items.find((i) => i.kind === 'ticket');
    const checkIn = async () => {
      try {
        await asMerchant.json('POST', '/v1/tickets/check-in', { indicium: ticket?.indicium });
        return 'admitted';
      } catch (error) {
        if (error instanceof CallError) return error.code;
        throw error;
      }
    };
    const ticketCheckIn = { first: await checkIn(), second: await checkIn() };
    say.detail(
      `at the gate: ticket ${ticket?.id} ${ticketCheckIn.first}; shown again: ${ticketCheckIn.second}`,
    );
    const after = await balances();
    const report: RequestToPayReport = {
      scenario: 'request-to-pay',
      operatorId: op.spec.id,
      customer: { id: customer.id, accountId: customer.accountId, alias },
      merchant: { id: merchant.id, accountId: merchant.accountId, webhookUrl: boxOffice.endpointUrl },
      request,
      affirmation: { decision: 'affirm', status: affirmed.status, answeredAt: affirmed.answeredAt },
      transfer: {
        transferId: affirmed.transferId ?? '',
        currency,
        amountMinor: affirmed.amountMinor,
        feeMinor: feeMinor.toString(),
        creditedMinor: credited.toString(),
        customerPostedMinor: { before: String(before.customer), after: String(after.customer) },
        merchantPostedMinor: { before: String(before.merchant), after: String(after.merchant) },
      },
      webhook: {
        ...delivery,
        attempts: outbox.attempts,
        deliveredAt: outbox.delivered_at?.toISOString() ?? null,
      },
      items,
      ticketCheckIn,
    };
    return { report, artefacts };
  } finally {
    await boxOffice.close();
  }
}

/** The outbox row once the dispatcher has recorded the delivery (it does so after the POST returns). */
async function outboxRow(
  network: LocalNetwork,
  eventId: string,
): Promise<{ attempts: number; delivered_at: Date | null }> {
  const deadline = Date.now() + WEBHOOK_WAIT_MS;
  for (;;) {
    const row = await network.merchantOperator.node.db.kysely
      .selectFrom('webhook_outbox')
      .select(['attempts', 'delivered_at'])
      .where('id', '=', eventId)
      .executeTakeFirstOrThrow();
    if (row.delivered_at !== null || Date.now() > deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
