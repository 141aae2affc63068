import type { Static, StaticDecode, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { DecodeUnsafe, EncodeUnsafe } from 'typebox/value';
import type { CryptoProvider } from '../crypto/provider.ts';
import type { SigningKey } from '../jws/keys.ts';
import { type SignedMessage, signMessage, type VerifyOptions, verifyMessage } from '../jws/message.ts';
import { type CodecPlan, decodeInPlace, encodeShared, planCodecs } from './codec-plan.ts';
import { MessageBodyError } from './errors.ts';
import type { MessageType } from './types.ts';

/** Who signs a message and for whom. */
export interface MessageParties {
  readonly iss: string;
  readonly aud: string;
}

export interface MessageAddress extends MessageParties {
  readonly jti?: string;
  readonly nowMs?: number;
  readonly crypto?: CryptoProvider;
}

export interface BodyProblem {
  readonly field: string;
  readonly problem: string;
}

export interface MessageDefinitionInput<S extends TSchema> {
  readonly mty: MessageType;
  readonly schema: S;
  /** The transaction the body is about: signed as the `txn` claim and checked against it. */
  readonly transactionOf?: (body: StaticDecode<S>) => string;
  /** Rules across fields (and the parties) that a schema cannot state. */
  readonly check?: (body: StaticDecode<S>, parties: MessageParties) => BodyProblem | undefined;
}

export interface MessageDefinition<S extends TSchema> extends MessageDefinitionInput<S> {
  readonly validator: Validator<Record<never, never>, S>;
  /** Where the codecs are (codec-plan.ts); `null`: none; `undefined`: TypeBox's generic walk. */
  readonly codecPlan: CodecPlan | null | undefined;
}

/** The decoded body (bigint amounts) and the wire body (decimal strings) of a message definition. */
export type BodyOf<D> = D extends MessageDefinition<infer S> ? StaticDecode<S> : never;
export type WireOf<D> = D extends MessageDefinition<infer S> ? Static<S> : never;

export type TypedVerifyOptions = Omit<VerifyOptions, 'expectedType'>;

/** Compiles the schema once, at module load. */
export function defineMessage<S extends TSchema>(input: MessageDefinitionInput<S>): MessageDefinition<S> {
  return { ...input, validator: Compile(input.schema), codecPlan: planCodecs(input.schema) };
}

/** Validates an untrusted wire body and decodes it (amounts to bigint). Leaves `wire` untouched. */
export function decodeBody<S extends TSchema>(
  definition: MessageDefinition<S>,
  wire: unknown,
): StaticDecode<S> {
  return decodeOwned(definition, structuredClone(wire));
}

/** Encodes a body for the wire (bigint to decimal strings) and validates the result. */
export function encodeBody<S extends TSchema>(
  definition: MessageDefinition<S>,
  body: StaticDecode<S>,
): Static<S> {
  return structuredClone(encodeChecked(definition, body));
}

/** `encodeBody` without the copy: the result may share unencoded parts with `body` (only for signing). */
function encodeChecked<S extends TSchema>(
  definition: MessageDefinition<S>,
  body: StaticDecode<S>,
): Static<S> {
  const plan = definition.codecPlan;
  const wire =
    plan === undefined
      ? EncodeUnsafe({}, definition.schema, structuredClone(body))
      : plan === null
        ? body
        : encodeShared(plan, body);
  if (!definition.validator.Check(wire)) throw bodyError(definition.validator.Errors(wire));
  return wire as Static<S>;
}

/** Signs a typed message. Refuses to sign a body the receiver would reject. */
export async function signTyped<S extends TSchema>(
  key: SigningKey,
  definition: MessageDefinition<S>,
  address: MessageAddress,
  body: StaticDecode<S>,
): Promise<string> {
  const wire = encodeChecked(definition, body);
  checkConsistency(definition, body, address);
  const txn = definition.transactionOf?.(body);
  return signMessage(key, {
    mty: definition.mty,
    iss: address.iss,
    aud: address.aud,
    body: wire,
    ...(txn !== undefined ? { txn } : {}),
    ...(address.jti !== undefined ? { jti: address.jti } : {}),
    ...(address.nowMs !== undefined ? { nowMs: address.nowMs } : {}),
    ...(address.crypto !== undefined ? { crypto: address.crypto } : {}),
  });
}

/**
 * `verifyMessage` (allowlist, key, signature, claims, replay) for the
 * definition's `mty`, then the body: schema, `txn` claim, cross-field rules.
 * Throws `JwsVerifyError` or `MessageBodyError`.
 */
export async function verifyTyped<S extends TSchema>(
  compact: string,
  definition: MessageDefinition<S>,
  options: TypedVerifyOptions,
): Promise<SignedMessage<StaticDecode<S>>> {
  const claims = await verifyMessage(compact, { ...options, expectedType: definition.mty });
  // The payload was parsed for this call alone, so decoding may reuse it.
  const body = decodeOwned(definition, claims.body);
  const txn = definition.transactionOf?.(body);
  if (txn !== undefined && claims.txn !== txn) {
    throw new MessageBodyError('message_body_invalid', 'transactionId', 'differs from the signed txn claim');
  }
  checkConsistency(definition, body, claims);
  return { ...claims, body };
}

/*
 * Not `Validator.Decode`: its pipeline runs Convert and Clean before checking,
 * which would coerce `5` into `"5"` and silently drop unknown fields of a
 * signed body. A strict compiled Check, then the codecs alone.
 */
function decodeOwned<S extends TSchema>(definition: MessageDefinition<S>, wire: unknown): StaticDecode<S> {
  if (!definition.validator.Check(wire)) throw bodyError(definition.validator.Errors(wire));
  const plan = definition.codecPlan;
  if (plan === undefined) return DecodeUnsafe({}, definition.schema, wire) as StaticDecode<S>;
  return (plan === null ? wire : decodeInPlace(plan, wire)) as StaticDecode<S>;
}

function checkConsistency<S extends TSchema>(
  definition: MessageDefinition<S>,
  body: StaticDecode<S>,
  parties: MessageParties,
): void {
  const problem = definition.check?.(body, parties);
  if (problem) throw new MessageBodyError('message_body_invalid', problem.field, problem.problem);
}

function bodyError(errors: readonly TLocalizedValidationError[]): MessageBodyError {
  const error = errors[0];
  const invalid = (path: string, problem: string) =>
    new MessageBodyError('message_body_invalid', path, problem);
  if (!error) return invalid('(body)', 'is invalid');
  // Inside a union the first branch's complaint misleads ("y is required" for an Ed25519 key).
  const union = unionField(error.schemaPath);
  if (union !== undefined) return invalid(union, 'matches none of its allowed forms');
  const path = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return invalid(field(path, error.params.requiredProperties[0]), 'is required');
    case 'additionalProperties':
      return invalid(field(path, error.params.additionalProperties[0]), 'is not an allowed field');
    case 'boolean':
      return invalid(field(path), 'is not an allowed field');
    default:
      return invalid(field(path), error.message);
  }
}

/**
 * The field holding the outermost union an error came from. Read from the
 * schema path because the error list is capped and may end before the
 * `anyOf` entry. Message schemas nest objects only (no arrays), so
 * `#/properties/a/properties/b/anyOf/0/...` is field `a.b`.
 */
function unionField(schemaPath: string): string | undefined {
  const at = schemaPath.indexOf('/anyOf/');
  return at < 0 ? undefined : field(schemaPath.slice(1, at).replaceAll('/properties/', '/'));
}

/** JSON pointer (`/hashChain/rootHex`) to a dotted field name (`hashChain.rootHex`). */
function field(pointer: string, child?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (child !== undefined) parts.push(child);
  return parts.length > 0 ? parts.join('.') : '(body)';
}
