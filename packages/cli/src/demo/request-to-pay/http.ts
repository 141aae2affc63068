/** Longest the demo waits for one call to an operator. */
const CALL_TIMEOUT_MS = 10_000;

/** A refused call, with the operator's error code. */
export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A party's calls to its operator over HTTP, as its own software would make them. */
export interface PartyClient {
  json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  bytes(path: string): Promise<Buffer>;
}

export function partyClient(baseUrl: string, apiKey: string | undefined): PartyClient {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    if (response.ok) return response;
    const text = await response.text();
    const error = (JSON.parse(text || '{}') as { error?: { code?: string; message?: string } }).error;
    throw new CallError(
      response.status,
      error?.code ?? `http_${response.status}`,
      `${method} ${path}: ${response.status} ${error?.code ?? ''} ${error?.message ?? text}`,
    );
  };
  return {
    json: async (method, path, body) => (await (await call(method, path, body)).json()) as never,
    bytes: async (path) => Buffer.from(await (await call('GET', path)).arrayBuffer()),
  };
}
