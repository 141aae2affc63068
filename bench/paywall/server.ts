/*
 * The bench's server process: the merchant SDK (memory store) with the
 * sessions the runner opened, one Fastify app without the paywall (unpaid
 * baseline) and one with it, both serving the same trivial JSON route.
 */

import { performance } from 'node:perf_hooks';
import {
  createMemoryMerchantStore,
  createMerchant,
  createPaywall,
  fastifyPaywall,
} from '@tallystick/merchant';
import { generateSigningKey } from '@tallystick/protocol';
import Fastify from 'fastify';
import {
  BODY,
  CURRENCY,
  MERCHANT_ID,
  MTA_ID,
  OFFER_ID,
  PATH,
  PRICE_MINOR,
  ROUTE,
  type ToRunner,
  type ToServer,
} from './model.ts';

const send = (message: ToRunner) => process.send?.(message);

let mark = performance.eventLoopUtilization();
let cpuMark = process.cpuUsage();
process.on('message', (message: ToServer) => {
  if (message.type === 'stop') process.exit(0);
  if (message.type === 'mark') {
    mark = performance.eventLoopUtilization();
    cpuMark = process.cpuUsage();
  } else if (message.type === 'report') {
    const cpu = process.cpuUsage(cpuMark);
    send({
      type: 'utilization',
      value: performance.eventLoopUtilization(mark).active,
      cpuMs: (cpu.user + cpu.system) / 1000,
      systemMs: cpu.system / 1000,
    });
  } else
    setup(message).catch((error: Error) => send({ type: 'error', message: error.stack ?? error.message }));
});

async function setup(message: Extract<ToServer, { type: 'setup' }>): Promise<void> {
  const document = { operatorId: MTA_ID, currency: CURRENCY, keys: [message.mtaPublicJwk] };
  const merchant = createMerchant({
    merchantId: MERCHANT_ID,
    operatorId: MTA_ID,
    mtaBaseUrl: 'http://mta.invalid',
    apiKey: 'tsk_bench',
    merchantKey: await generateSigningKey('ES256'),
    store: createMemoryMerchantStore(),
    fetch: async () => Response.json(document),
  });
  for (const information of message.informations) await merchant.handleInformation({ information });
  const paywall = createPaywall(merchant, {
    currency: CURRENCY,
    offerId: OFFER_ID,
    routes: { [ROUTE]: { price: { amountMinor: PRICE_MINOR, currency: CURRENCY } } },
    // BENCH_VOUCHER_VERIFY=inline|threadpool overrides the paywall's default, to compare the two.
    ...(process.env.BENCH_VOUCHER_VERIFY
      ? { voucherVerifyOnThreadPool: process.env.BENCH_VOUCHER_VERIFY === 'threadpool' }
      : {}),
  });
  const unpaid = Fastify();
  unpaid.get(PATH, async () => BODY);
  const paid = Fastify();
  await paid.register(fastifyPaywall(paywall));
  paid.get(PATH, async () => BODY);
  const [unpaidUrl, paidUrl] = await Promise.all([
    unpaid.listen({ port: 0, host: '127.0.0.1' }),
    paid.listen({ port: 0, host: '127.0.0.1' }),
  ]);
  send({ type: 'ready', unpaidUrl, paidUrl });
}
