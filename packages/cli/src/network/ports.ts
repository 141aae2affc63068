import { createServer } from 'node:net';

/** A port free on `host` right now, so peers can be told each other's address before they start. */
export async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('assertion: a TCP address');
  return address.port;
}

/** Why `port` cannot be listened on, or undefined when it can (checked by listening briefly). */
export async function portProblem(host: string, port: number): Promise<string | undefined> {
  const server = createServer();
  const problem = await new Promise<string | undefined>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, host, () => resolve(undefined));
  });
  if (problem === undefined) await new Promise((resolve) => server.close(resolve));
  return problem;
}
