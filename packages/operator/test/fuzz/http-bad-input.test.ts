import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngine } from '../support/database.ts';
import {
  type BadCase,
  badCases,
  build,
  enumerateCases,
  type Operation,
  operationsOf,
} from './support/requests.ts';
import { snapshotDatabase } from './support/snapshot.ts';
import { type FuzzWorld, openFuzzWorld } from './support/world.ts';

/**
 * Every route of the OpenAPI document gets random bad requests: bad auth,
 * garbage bodies and content types, bad path and query parameters, a valid
 * body with one field made wrong, and broken or mis-signed JWS. Each must be
 * answered 4xx with the error envelope, and must write nothing.
 *
 * FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the runs per route.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const ERROR_CODE = /^[a-z][a-z0-9_]*$/;

/** Routes without any input (no params, no body, no auth): nothing sent to them is bad, so 2xx is fine there. */
const inputless = (op: Operation) =>
  op.security.length === 0 && !op.hasBody && op.pathParams.length === 0 && op.queryParams.length === 0;

let world: FuzzWorld;
const ignored = (op: Operation) => world.known[op.key]?.recordsRefusals ?? [];
let operations: Operation[];

beforeAll(async () => {
  world = await openFuzzWorld();
  const doc = await world.op.request('GET', '/openapi.json');
  operations = operationsOf(doc.body);
  console.log(`http-bad-input: seed ${SEED}, ${RUNS} runs per route, ${testDatabaseEngine()}`);
});
afterAll(async () => {
  await world?.op.close();
});

/** Sends one bad request; it must get a 4xx error envelope (input-less public routes: anything but a 5xx). */
async function expectRefused(op: Operation, c: BadCase): Promise<void> {
  const known = world.known[op.key];
  const request = await build(op, known, world, c);
  const response = await world.op.app.inject(request);
  const status = response.statusCode;
  if (inputless(op)) {
    expect(status, response.body).toBeLessThan(500);
    return;
  }
  const where = `${request.method} ${request.url.slice(0, 200)} -> ${status} ${response.body.slice(0, 300)}`;
  expect(status, where).toBeGreaterThanOrEqual(400);
  expect(status, where).toBeLessThan(500);
  expect(String(response.headers['content-type']), where).toMatch(/^application\/json/);
  const body = JSON.parse(response.body);
  expect(body, where).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(body.error.code, where).toMatch(ERROR_CODE);
  expect(body.error.message.length, where).toBeGreaterThan(0);
  expect(typeof body.requestId, where).toBe('string');
}

describe('bad input over HTTP', () => {
  it('covers every documented route', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  it('answers every bad request with a 4xx error envelope, and writes nothing', async () => {
    const failures: string[] = [];
    let runs = 0;
    for (const [index, op] of operations.entries()) {
      const known = world.known[op.key];
      // The trust list creates the PSD's keys on first use: a warm-up, not a write caused by bad input.
      if (inputless(op)) await world.op.app.inject({ method: op.method, url: op.path });
      const before = await snapshotDatabase(world.op.db, ignored(op));
      const result = await fc.check(
        fc.asyncProperty(badCases(op, known), async (c) => {
          runs++;
          await expectRefused(op, c);
          if (!inputless(op))
            expect(await snapshotDatabase(world.op.db, ignored(op)), 'wrote to the database').toEqual(before);
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed) failures.push(`${op.key}: ${fc.defaultReportMessage(result)}`);
      else
        expect(await snapshotDatabase(world.op.db, ignored(op)), `${op.key} wrote to the database`).toEqual(
          before,
        );
    }
    console.log(`http-bad-input: ${operations.length} routes, ${runs} requests`);
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('refuses every one-field mutation of a valid body, and every fixed JWS attack, writing nothing', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const op of operations) {
      const cases = enumerateCases(op, world.known[op.key]);
      if (cases.length === 0) continue;
      const before = await snapshotDatabase(world.op.db, ignored(op));
      for (const c of cases) {
        sent++;
        const label = `${op.key} ${JSON.stringify(c).slice(0, 300)}`;
        try {
          await expectRefused(op, c);
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message.slice(0, 600)}`);
        }
        if (process.env.FUZZ_TRACE_WRITES) {
          const now = await snapshotDatabase(world.op.db, ignored(op));
          if (JSON.stringify(now) !== JSON.stringify(before))
            failures.push(`${label} wrote: ${diff(before, now)}`);
        }
      }
      const after = await snapshotDatabase(world.op.db, ignored(op));
      if (JSON.stringify(after) !== JSON.stringify(before))
        failures.push(`${op.key}: the sweep wrote to the database: ${diff(before, after)}`);
    }
    console.log(`http-bad-input: sweep of ${sent} requests`);
    expect(failures, failures.join('\n')).toEqual([]);
  });
});

function diff(a: object, b: object): string {
  const flat = (o: object) =>
    Object.entries(o).flatMap(([k, v]) =>
      Object.entries(v as object).map(([k2, v2]): [string, string] => [`${k}.${k2}`, String(v2)]),
    );
  const before = new Map(flat(a));
  return flat(b)
    .filter(([k, v]) => before.get(k) !== v)
    .map(([k, v]) => `${k}: ${before.get(k)} -> ${v}`)
    .join(', ');
}
