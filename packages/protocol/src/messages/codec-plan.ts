import type { TSchema } from 'typebox';

/*
 * The codecs of a message schema (decimal-string amounts <-> bigint), found
 * once at definition time, so decoding and encoding touch only those fields.
 * TypeBox's generic DecodeUnsafe / EncodeUnsafe walk the whole schema and
 * value on every call and cost more than the signature check itself
 * (~70-100 µs a voucher). The plan covers the shapes message schemas use:
 * codec leaves inside nested objects. A codec anywhere else (in a union, an
 * array, inside another codec) makes the plan `undefined`, and define.ts
 * falls back to TypeBox. Plans run only on values that passed the strict
 * compiled Check, so every field they touch has the checked type.
 */
export type CodecPlan =
  | {
      readonly kind: 'codec';
      readonly decode: (wire: never) => unknown;
      readonly encode: (value: never) => unknown;
    }
  | { readonly kind: 'object'; readonly fields: readonly (readonly [string, CodecPlan])[] };

interface CodecFunctions {
  readonly decode: (wire: never) => unknown;
  readonly encode: (value: never) => unknown;
}

const CODEC_KEY = '~codec';

/** `null`: no codec below this schema; `undefined`: a codec the plan cannot place. */
export function planCodecs(schema: TSchema): CodecPlan | null | undefined {
  const record = schema as Record<string, unknown>;
  const codec = record[CODEC_KEY] as CodecFunctions | undefined;
  if (codec !== undefined) {
    const { [CODEC_KEY]: _codec, ...inner } = record;
    return hasCodec(inner) ? undefined : { kind: 'codec', decode: codec.decode, encode: codec.encode };
  }
  const properties = record.properties as Record<string, TSchema> | undefined;
  if (record.type === 'object' && properties !== undefined && typeof properties === 'object') {
    if (hasCodec({ ...record, properties: undefined })) return undefined;
    const fields: (readonly [string, CodecPlan])[] = [];
    for (const [key, property] of Object.entries(properties)) {
      const plan = planCodecs(property);
      if (plan === undefined) return undefined;
      if (plan !== null) fields.push([key, plan]);
    }
    return fields.length > 0 ? { kind: 'object', fields } : null;
  }
  return hasCodec(record) ? undefined : null;
}

/** Decodes in place: `value` is the caller's own, freshly parsed copy. */
export function decodeInPlace(plan: CodecPlan, value: unknown): unknown {
  if (plan.kind === 'codec') return plan.decode(value as never);
  const object = value as Record<string, unknown>;
  for (const [key, field] of plan.fields) {
    if (object[key] !== undefined) object[key] = decodeInPlace(field, object[key]);
  }
  return object;
}

/** Encodes into new objects along the codec paths; other values are shared with `value`. */
export function encodeShared(plan: CodecPlan, value: unknown): unknown {
  if (plan.kind === 'codec') return plan.encode(value as never);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, field] of plan.fields) {
    if (copy[key] !== undefined) copy[key] = encodeShared(field, copy[key]);
  }
  return copy;
}

function hasCodec(value: unknown, depth = 0): boolean {
  if (depth > 64 || typeof value !== 'object' || value === null) return depth > 64;
  if (CODEC_KEY in value) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => hasCodec(child, depth + 1));
}
