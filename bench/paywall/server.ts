/*
 * The bench's server process: the merchant SDK (memory store) with the
 * sessions the runner opened, one Fastify app without the paywall (unpaid
 * baseline) and one with it, both serving the same trivial JSON route.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fastifyPaywall } from '@tallystick/merchant';
import { PAYMENT_RESPONSE_HEADER } from '@tallystick/protocol';
import Fastify from 'fastify';
import { createBenchPaywall } from './merchant-side.ts';
import { BODY, PATH, type ToRunner, type ToServer } from './model.ts';

/**
 * The `floor` app: no paywall, but it is sent the paid requests (with their
 * `PAYMENT-SIGNATURE`) and answers with a `PAYMENT-RESPONSE` of a real
 * receipt's size. What HTTP itself costs for the x402 headers, before any
 * verification: no paywall can be faster than this.
 */
const FLOOR_RECEIPT = btoa(
  '{"success":true,"transaction":"op-a.2.17","network":"tally:op-b","amount":"1","extra":{"seq":1234,"cumulativeMinor":"1234"}}',
);

const send = (message: ToRunner) => process.send?.(message);

let mark = performance.eventLoopUtilization();
let cpuMark = process.cpuUsage();
let threadMark = threadTicks();

/**
 * CPU clock ticks (user + system) of the main thread and of all other threads
 * (libuv's thread pool, workers, V8's GC helpers), from /proc (Linux; zeros
 * elsewhere): which part of the work the second core took.
 */
function threadTicks(): { main: number; other: number } {
  const ticks = { main: 0, other: 0 };
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      if (Number(tid) === process.pid) ticks.main += used;
      else ticks.other += used;
    }
  } catch {
    // not Linux: no breakdown
  }
  return ticks;
}
process.on('message', (message: ToServer) => {
  if (message.type === 'stop') process.exit(0);
  if (message.type === 'mark') {
    mark = performance.eventLoopUtilization();
    cpuMark = process.cpuUsage();
    threadMark = threadTicks();
  } else if (message.type === 'report') {
    const cpu = process.cpuUsage(cpuMark);
    const threads = threadTicks();
    send({
      type: 'utilization',
      value: performance.eventLoopUtilization(mark).active,
      cpuMs: (cpu.user + cpu.system) / 1000,
      systemMs: cpu.system / 1000,
      // Clock ticks are 10 ms (USER_HZ 100).
      mainThreadMs: (threads.main - threadMark.main) * 10,
      otherThreadsMs: (threads.other - threadMark.other) * 10,
    });
  } else
    setup(message).catch((error: Error) => send({ type: 'error', message: error.stack ?? error.message }));
});

async function setup(message: Extract<ToServer, { type: 'setup' }>): Promise<void> {
  const paywall = await createBenchPaywall(
    message.mtaPublicJwk,
    message.informations,
    // BENCH_VOUCHER_VERIFY=worker|threadpool|inline overrides the paywall's default, to compare the two.
    process.env.BENCH_VOUCHER_VERIFY
      ? { voucherVerify: process.env.BENCH_VOUCHER_VERIFY as 'worker' | 'threadpool' | 'inline' }
      : {},
  );
  const unpaid = Fastify();
  unpaid.get(PATH, async () => BODY);
  const paid = Fastify();
  await paid.register(fastifyPaywall(paywall));
  paid.get(PATH, async () => BODY);
  const floor = Fastify();
  floor.addHook('onSend', (_request, reply, payload, next) => {
    reply.header(PAYMENT_RESPONSE_HEADER, FLOOR_RECEIPT);
    next(null, payload);
  });
  floor.get(PATH, async () => BODY);
  const [unpaidUrl, paidUrl, floorUrl] = await Promise.all([
    unpaid.listen({ port: 0, host: '127.0.0.1' }),
    paid.listen({ port: 0, host: '127.0.0.1' }),
    floor.listen({ port: 0, host: '127.0.0.1' }),
  ]);
  send({ type: 'ready', unpaidUrl, paidUrl, floorUrl });
}
