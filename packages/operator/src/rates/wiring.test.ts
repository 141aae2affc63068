import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey } from '@tallystick/protocol';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { type OperatorNode, startOperatorNode } from '../node.ts';
import { signRatesFile } from './file.ts';

const DAY_MS = 86_400_000;

describe('an operator node with a signed rates file (TALLY_RATES_SOURCE over loopback HTTP)', () => {
  let node: OperatorNode;
  let closeServer: () => Promise<void>;
  beforeAll(async () => {
    const publisher = await generateSigningKey('ES256');
    const nowMs = Date.now();
    const signed = await signRatesFile(publisher, {
      ratesId: 'treasury-1',
      rates: [
        {
          ...{ base: 'SEK', quote: 'EUR', rate: '0.0874' },
          ...{
            validFrom: new Date(nowMs - DAY_MS).toISOString(),
            validUntil: new Date(nowMs + DAY_MS).toISOString(),
          },
        },
      ],
    });
    const server = createServer((_req, res) => res.writeHead(200).end(signed));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closeServer = () => new Promise((resolve) => server.close(() => resolve()));
    const config = loadConfig(
      {
        TALLY_OPERATOR_ID: 'op-a',
        TALLY_CURRENCY: 'SEK',
        TALLY_RATES_SOURCE: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rates.jws`,
        TALLY_RATES_PUBLISHER_KEY: JSON.stringify(publisher.publicJwk),
        LOG_LEVEL: 'silent',
      },
      { memory: true, port: '0' },
    );
    node = await startOperatorNode(config);
  });
  afterAll(async () => {
    await node?.close();
    await closeServer?.();
  });

  it('loads the file at start-up and quotes its pairs in the MTA and the signed currency table', async () => {
    expect(node.rates.provider?.current()).toMatchObject({ ratesId: 'treasury-1' });
    expect(node.rates.source.rate('SEK', 'EUR', new Date())).toMatchObject({ numerator: 874n });
    const response = await fetch(`${node.url}/v1/currency-table`);
    const issued = (await response.json()) as { table: string };
    expect(decodeProtectedHeader(issued.table).alg).toBeDefined();
    const payload = JSON.parse(Buffer.from(issued.table.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(payload.body.rates).toEqual([
      { base: 'SEK', quote: 'EUR', numerator: '874', denominator: '10000' },
    ]);
  });
});
