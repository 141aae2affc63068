import { generateSigningKey } from '@tallystick/protocol';
import fc from 'fast-check';
import { BAD_POSITIVE_AMOUNT, RAW_PARAMS } from './bad-values.ts';
import { claimsText, type JwsSpec, rawJws, signRaw, unsigned, withField } from './jws.ts';
import type { FuzzWorld, Principal, RouteKnowledge } from './world.ts';

/** One operation of the OpenAPI document. */
export interface Operation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly key: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
  /** adminToken, apiKey, both, or none. */
  readonly security: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read field by field.
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, Json>>(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const parameters: { in: string; name: string }[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        key: `${method.toUpperCase()} ${path}`,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        security: (op.security ?? []).flatMap((s: object) => Object.keys(s)),
      });
    }
  }
  return ops;
}
// biome-ignore lint/suspicious/noExplicitAny: see above.
type Json = any;

/** A bad request, described as plain data (shrinkable, printable) and built by `build`. */
export type BadCase =
  | { readonly kind: 'auth'; readonly header: string | undefined | { readonly as: Principal } }
  | { readonly kind: 'body'; readonly payload: string; readonly contentType: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly contentType: string }
  | { readonly kind: 'param'; readonly name: string; readonly value: string; readonly raw: boolean }
  | { readonly kind: 'query'; readonly query: string }
  | { readonly kind: 'field'; readonly field: string; readonly value: string | undefined }
  | { readonly kind: 'jws'; readonly field: string; readonly attack: JwsAttack };

export type JwsAttack =
  | { readonly t: 'literal'; readonly value: string }
  | { readonly t: 'header'; readonly headerText: string }
  | { readonly t: 'alg-none' | 'unknown-key' | 'kid-swap' | 'truncated' | 'enormous' | 'not-json' }
  | { readonly t: 'claims'; readonly claim: 'mty' | 'aud' | 'iss' | 'stale' | 'future' }
  | { readonly t: 'body-field'; readonly field: string; readonly value: string | undefined }
  | { readonly t: 'body-random'; readonly value: unknown };

export interface BuiltRequest {
  readonly method: Operation['method'];
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
}

const JUNK_AUTH: readonly (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer ',
  'bearer  x',
  'Basic dXNlcjpwYXNz',
  'Bearer tsk_',
  'Bearer tsk_0000000000000000000000000000000000000000',
  `Bearer tsk_${'a'.repeat(600)}`,
  `Bearer ${'a'.repeat(600)}`,
  'Bearer ünïcode',
  'Bearer a b',
  'Bearer null',
  'Token abc',
  'Bearer \t',
];

/** Query values, as sent (already URL-encoded where they need it). */
const BAD_QUERY_VALUES = [
  '',
  '-1',
  '0',
  '1.5',
  '1e309',
  '9223372036854775808',
  '9999999999999999999',
  '99999999999999999999',
  'NaN',
  'null',
  'true',
  '%00',
  'a%00b',
  '%zz',
  'x'.repeat(5_000),
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59%2B01:00',
  '2030-02-30T00:00:00Z',
  '9999-12-31T23:59:60Z',
  '%2B275760-09-13T00:00:00Z',
  'json%00',
  'CSV',
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'image/png',
  'application/octet-stream',
];

function jsonOf(value: unknown): string {
  return JSON.stringify(value);
}

/** Everything bad this route can receive. */
export function badCases(op: Operation, known: RouteKnowledge | undefined): fc.Arbitrary<BadCase> {
  const arbs: fc.Arbitrary<BadCase>[] = [];
  const secured = op.security.length > 0;
  if (secured) {
    const wrongKind: { as: Principal }[] =
      op.security.includes('adminToken') && op.security.includes('apiKey')
        ? []
        : op.security.includes('adminToken')
          ? [{ as: 'customer' }, { as: 'merchant' }]
          : [{ as: 'admin' }];
    arbs.push(
      fc
        .oneof(
          fc.constantFrom(...JUNK_AUTH, ...wrongKind),
          fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
          fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `Bearer tsk_${s}`),
        )
        .map((header) => ({ kind: 'auth' as const, header })),
    );
  }
  if (op.method === 'POST' || op.method === 'PUT') {
    const validText = async () => '{}';
    void validText;
    arbs.push(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
          kind: 'bytes' as const,
          bytes,
          contentType: 'application/json',
        })),
        fc
          .record({
            contentType: fc.constantFrom(...WRONG_CONTENT_TYPES),
            payload: fc.jsonValue().map(jsonOf),
          })
          .map((r) => ({ kind: 'body' as const, ...r })),
        fc
          .constantFrom('', '{', '{"a":', '[1,]', "{'a':1}", 'undefined', 'NaN', '\u0000', '{"a":1}{"b":2}')
          .map((payload) => ({ kind: 'body' as const, payload, contentType: 'application/json' })),
      ),
    );
  }
  if (op.hasBody) {
    const deep = fc
      .record({ depth: fc.constantFrom(64, 1_000, 10_000, 32_000), array: fc.boolean() })
      .map(({ depth, array }) =>
        array ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      );
    const big = fc
      .integer({ min: 64 * 1024 - 64, max: 64 * 1024 + 64 })
      .chain((n) =>
        fc.constantFrom(jsonOf('x'.repeat(n)), jsonOf({ jws: 'x'.repeat(n) }), `[${'1,'.repeat(n >> 1)}1]`),
      );
    const poison = fc.constantFrom(
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '{"a":{"__proto__":{"x":1}}}',
      '{"__proto__":null,"constructor":null,"prototype":null}',
    );
    arbs.push(
      fc
        .oneof(
          fc
            .jsonValue({ maxDepth: 5 })
            .filter((v) => jsonOf(v) !== '{}')
            .map(jsonOf),
          fc
            .anything({ withNullPrototype: true, maxDepth: 3 })
            .map((v) => {
              try {
                return jsonOf(v) ?? 'null';
              } catch {
                return 'null';
              }
            })
            .filter((t) => t !== '{}'),
          deep,
          big,
          poison,
          fc.string({ maxLength: 200 }).map(jsonOf),
        )
        .map((payload) => ({ kind: 'body' as const, payload, contentType: 'application/json' })),
    );
  }
  for (const name of op.pathParams) {
    arbs.push(
      fc
        .oneof(
          fc.constantFrom(...RAW_PARAMS).map((value) => ({ value, raw: true })),
          fc.string({ unit: 'grapheme', maxLength: 60 }).map((value) => ({ value, raw: false })),
          fc.string({ unit: 'binary', maxLength: 60 }).map((value) => ({ value, raw: false })),
          fc.integer({ min: 250, max: 3_000 }).map((n) => ({ value: 'é'.repeat(n), raw: false })),
        )
        .filter(({ value }) => value !== 'stream' && value !== known?.params?.[name])
        .map((p) => ({ kind: 'param' as const, name, ...p })),
    );
  }
  if (op.queryParams.length > 0) {
    const name = fc.constantFrom(...op.queryParams, '__proto__', 'constructor', 'x');
    const value = fc.oneof(
      fc.constantFrom(
        '',
        '-1',
        '0',
        '1.5',
        '1e309',
        '9223372036854775808',
        'NaN',
        'null',
        '%00',
        '%zz',
        'x'.repeat(5000),
      ),
      // Digits alone ("100") are a valid cursor or limit, not bad input: the amount list ("100" is a bad
      // JSON amount) and random strings are drawn without them; the curated constants above keep theirs.
      fc.constantFrom(...BAD_POSITIVE_AMOUNT.filter((v) => !/^[0-9]+$/.test(v))),
      fc
        .string({ maxLength: 30 })
        .filter((text) => !/^[0-9]+$/.test(text))
        .map(encodeURIComponent),
    );
    arbs.push(
      fc
        .array(fc.tuple(name, value), { minLength: 1, maxLength: 4 })
        .map((pairs) => ({ kind: 'query' as const, query: pairs.map(([k, v]) => `${k}=${v}`).join('&') })),
    );
  }
  const fields = Object.entries(known?.fields ?? {});
  if (fields.length > 0) {
    arbs.push(
      fc
        .constantFrom(...fields)
        .chain(([field, values]) =>
          fc
            .constantFrom<string | undefined>(...mutations(field, values, known?.optional))
            .map((value) => ({ kind: 'field' as const, field, value })),
        ),
    );
  }
  for (const [field, spec] of Object.entries(known?.jws ?? {})) {
    arbs.push(jwsAttacks(spec).map((attack) => ({ kind: 'jws' as const, field, attack })));
  }
  if (arbs.length === 0) {
    // An input-less public route: junk it does not read (credentials, query) must not break it either.
    arbs.push(fc.constantFrom(...JUNK_AUTH).map((header) => ({ kind: 'auth' as const, header })));
    arbs.push(
      fc
        .string({ maxLength: 100 })
        .map((s) => ({ kind: 'query' as const, query: `q=${encodeURIComponent(s)}&%zz` })),
    );
  }
  return fc.oneof(...arbs);
}

function jwsAttacks(spec: JwsSpec | undefined): fc.Arbitrary<JwsAttack> {
  const generic: fc.Arbitrary<JwsAttack>[] = [
    fc
      .constantFrom(
        '',
        '.',
        '..',
        'a.b',
        'a.b.c',
        'a.b.c.d',
        '...',
        'eyJ.eyJ.',
        `${'a'.repeat(70_000)}.b.c`,
        'é.é.é',
        'a. b.c',
      )
      .map((value) => ({ t: 'literal' as const, value })),
    fc
      .constantFrom(
        'null',
        '[]',
        '"x"',
        '1',
        '{}',
        'not json',
        '{"alg":"ES256"}',
        '{"alg":"ES256","kid":1}',
        '{"alg":"ES256","kid":null}',
        '{"alg":"HS256","kid":"k"}',
        '{"alg":"RS256","kid":"k"}',
        '{"alg":"EdDSA","kid":"k"}',
        `{"alg":"ES256","kid":"${'k'.repeat(5_000)}"}`,
        '{"alg":"ES256","kid":"\' or 1=1 --"}',
        '{"alg":"ES256","kid":"k","crit":["b64"],"b64":false}',
        '{"__proto__":{"alg":"ES256"},"kid":"k"}',
      )
      .map((headerText) => ({ t: 'header' as const, headerText })),
    fc
      .constantFrom('alg-none', 'unknown-key', 'kid-swap', 'truncated', 'enormous', 'not-json')
      .map((t) => ({ t }) as JwsAttack),
  ];
  if (!spec) return fc.oneof(...generic);
  const specific: fc.Arbitrary<JwsAttack>[] = [
    fc
      .constantFrom('mty', 'aud', 'iss', 'stale', 'future')
      .map((claim) => ({ t: 'claims' as const, claim }) as JwsAttack),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ t: 'body-random' as const, value })),
  ];
  const fields = Object.entries(spec.fields ?? {});
  if (fields.length > 0)
    specific.push(
      fc
        .constantFrom(...fields)
        .chain(([field, values]) =>
          fc
            .constantFrom<string | undefined>(...mutations(field, values, spec.optional))
            .map((value) => ({ t: 'body-field' as const, field, value })),
        ),
    );
  return fc.oneof(...generic, ...specific, ...specific);
}

/** A valid JWS for the spec, or a placeholder three-part string where nobody can sign. */
async function jwsFor(spec: JwsSpec | undefined, attack: JwsAttack): Promise<string> {
  const payloadOf = async (s: JwsSpec) => claimsText(s, JSON.stringify(await s.body()));
  const placeholderPayload = '{"mty":"x","iss":"x","aud":"x","iat":0,"jti":"x","body":{}}';
  switch (attack.t) {
    case 'literal':
      return attack.value;
    case 'header':
      return rawJws(attack.headerText, spec ? await payloadOf(spec) : placeholderPayload, 'c2ln');
    case 'alg-none':
      return unsigned(
        { alg: 'none', kid: spec?.key.kid ?? 'k' },
        spec ? await payloadOf(spec) : placeholderPayload,
        'AA',
      );
    case 'unknown-key': {
      const stranger = await generateSigningKey();
      return signRaw(stranger, spec ? await payloadOf(spec) : placeholderPayload);
    }
    case 'kid-swap': {
      const stranger = await generateSigningKey();
      const kid = spec?.key.kid ?? stranger.kid;
      return signRaw(stranger, spec ? await payloadOf(spec) : placeholderPayload, { alg: 'ES256', kid });
    }
    case 'truncated': {
      const key = spec?.key ?? (await generateSigningKey());
      const full = await signRaw(key, spec ? await payloadOf(spec) : placeholderPayload);
      return full.slice(0, -6);
    }
    case 'enormous': {
      const key = spec?.key ?? (await generateSigningKey());
      const base = spec ? await payloadOf(spec) : placeholderPayload;
      return signRaw(key, base.replace(/}$/, `,"pad":"${'p'.repeat(60_000)}"}`));
    }
    case 'not-json': {
      const key = spec?.key ?? (await generateSigningKey());
      return signRaw(key, 'this is not json');
    }
    case 'claims': {
      if (!spec) throw new Error('unreachable');
      const body = JSON.stringify(await spec.body());
      const now = Math.floor(Date.now() / 1000);
      const overrides =
        attack.claim === 'mty'
          ? { mty: 'tally.other' }
          : attack.claim === 'aud'
            ? { aud: 'someone-else' }
            : attack.claim === 'iss'
              ? { iss: 'cus-aaaaaaaaaaaaaaaa' }
              : { iatSeconds: attack.claim === 'stale' ? now - 3_600 : now + 3_600 };
      return signRaw(spec.key, claimsText(spec, body, overrides));
    }
    case 'body-field': {
      if (!spec) throw new Error('unreachable');
      return signRaw(spec.key, claimsText(spec, withField(await spec.body(), attack.field, attack.value)));
    }
    case 'body-random': {
      if (!spec) throw new Error('unreachable');
      return signRaw(spec.key, claimsText(spec, JSON.stringify(attack.value) ?? 'null'));
    }
  }
}

function encodeParam(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

export async function build(
  op: Operation,
  known: RouteKnowledge | undefined,
  world: FuzzWorld,
  c: BadCase,
): Promise<BuiltRequest> {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) params[name] = encodeParam(known?.params?.[name] ?? `fuzz-${name}`);
  if (c.kind === 'param') params[c.name] = c.raw ? c.value : encodeParam(c.value);
  let url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');
  if (c.kind === 'query') url += `?${c.query}`;

  const headers: Record<string, string> = {};
  const as =
    known?.as ??
    (op.security.includes('apiKey') ? 'customer' : op.security.includes('adminToken') ? 'admin' : undefined);
  if (c.kind === 'auth') {
    const h = c.header;
    if (typeof h === 'string') headers.authorization = h;
    else if (h !== undefined) headers.authorization = `Bearer ${world.keyOf(h.as)}`;
  } else if (as) headers.authorization = `Bearer ${world.keyOf(as)}`;

  let payload: string | Buffer | undefined;
  if (c.kind === 'body') {
    payload = c.payload;
    headers['content-type'] = c.contentType;
  } else if (c.kind === 'bytes') {
    payload = Buffer.from(c.bytes);
    headers['content-type'] = c.contentType;
  } else if (op.hasBody) {
    const valid = { ...((await known?.body?.()) ?? {}) };
    const jwsFields = Object.entries(known?.jws ?? {});
    for (const [field, spec] of jwsFields) {
      valid[field] =
        c.kind === 'jws' && c.field === field
          ? await jwsFor(spec, c.attack)
          : spec
            ? await signRaw(spec.key, claimsText(spec, JSON.stringify(await spec.body())))
            : 'a.b.c';
    }
    payload = c.kind === 'field' ? withField(valid, c.field, c.value) : JSON.stringify(valid);
    headers['content-type'] = 'application/json';
  }
  return { method: op.method, url, headers, ...(payload !== undefined ? { payload } : {}) };
}

/** Every one-field mutation of a route's valid body, and every fixed JWS attack: the deterministic sweep. */
export function enumerateCases(op: Operation, known: RouteKnowledge | undefined): BadCase[] {
  const cases: BadCase[] = [];
  for (const name of op.pathParams)
    for (const value of RAW_PARAMS)
      if (value !== known?.params?.[name]) cases.push({ kind: 'param', name, value, raw: true });
  for (const name of op.queryParams) {
    for (const value of BAD_QUERY_VALUES) {
      const query = { ...known?.query, [name]: value };
      cases.push({
        kind: 'query',
        query: Object.entries(query)
          .map(([k, v]) => `${k}=${v}`)
          .join('&'),
      });
    }
    const valid = Object.entries(known?.query ?? {}).map(([k, v]) => `${k}=${v}`);
    cases.push({ kind: 'query', query: [...valid, `${name}=1`, `${name}=2`].join('&') });
  }
  for (const [field, values] of Object.entries(known?.fields ?? {}))
    for (const value of mutations(field, values, known?.optional))
      cases.push({ kind: 'field', field, value });
  for (const [field, spec] of Object.entries(known?.jws ?? {})) {
    const attacks: JwsAttack[] = [
      { t: 'literal', value: '' },
      { t: 'literal', value: 'a.b' },
      { t: 'header', headerText: 'null' },
      { t: 'header', headerText: '{"alg":"ES256","kid":1}' },
      ...(['alg-none', 'unknown-key', 'kid-swap', 'truncated', 'enormous', 'not-json'] as const).map((t) => ({
        t,
      })),
    ];
    if (spec) {
      for (const claim of ['mty', 'aud', 'iss', 'stale', 'future'] as const)
        attacks.push({ t: 'claims', claim });
      for (const value of [null, 1, 'x', [], {}]) attacks.push({ t: 'body-random', value });
      for (const [f, values] of Object.entries(spec.fields ?? {}))
        for (const value of mutations(f, values, spec.optional))
          attacks.push({ t: 'body-field', field: f, value });
    }
    for (const attack of attacks) cases.push({ kind: 'jws', field, attack });
  }
  return cases;
}

/** A field's bad values, and its removal (undefined) unless the field is optional. */
function mutations(
  field: string,
  values: readonly string[],
  optional: readonly string[] = [],
): (string | undefined)[] {
  return optional.includes(field) ? [...values] : [...values, undefined];
}
