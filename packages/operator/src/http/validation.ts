import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';

type Validate = ReturnType<FastifySchemaCompiler<unknown>>;

/** The fields of a schema error we read; Fastify's and TypeBox's errors both have them. */
export interface SchemaIssue {
  readonly keyword?: string;
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: unknown;
}

const ISSUES_SHOWN_MAX = 3;

/**
 * `body.amountMinor must be a decimal string of minor units...; body.currency is required`.
 * A pattern mismatch reads as the field's `description` (written as "a ..."),
 * so nobody has to decode a regular expression.
 */
export function describeIssues(issues: readonly SchemaIssue[], where: string, schema?: unknown): string {
  const sentences: string[] = [];
  for (const issue of issues) {
    if (issue.keyword === 'boolean') continue; // TypeBox repeats additionalProperties as "schema is false"
    const sentence = describeIssue(issue, where, schema);
    if (!sentences.includes(sentence)) sentences.push(sentence);
    if (sentences.length === ISSUES_SHOWN_MAX) break;
  }
  return sentences.length > 0 ? sentences.join('; ') : `${where} is invalid`;
}

function describeIssue(issue: SchemaIssue, where: string, schema: unknown): string {
  const pointer = issue.instancePath ?? '';
  const path = `${where}${pointer.replaceAll('/', '.')}`;
  const params = (issue.params ?? {}) as Record<string, unknown>;
  switch (issue.keyword) {
    case 'required':
      return namesOf(params.requiredProperties, params.missingProperty)
        .map((name) => `${path}.${name} is required`)
        .join('; ');
    case 'additionalProperties':
      return namesOf(params.additionalProperties, params.additionalProperty)
        .map((name) => `${path}.${name} is not allowed`)
        .join('; ');
    case 'pattern':
    case 'format': {
      const description = descriptionAt(schema, pointer);
      return description ? `${path} must be ${description}` : `${path} ${issue.message ?? 'is invalid'}`;
    }
    default:
      return `${path} ${issue.message ?? 'is invalid'}`;
  }
}

function namesOf(list: unknown, single: unknown): string[] {
  const names = Array.isArray(list) ? list : [single];
  return names.map(String);
}

/** The `description` of the property schema an instance path points at, following `properties` only. */
function descriptionAt(schema: unknown, pointer: string): string | undefined {
  let node = schema;
  for (const segment of pointer.split('/').slice(1)) {
    const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    node = properties && Object.hasOwn(properties, segment) ? properties[segment] : undefined;
  }
  const description = (node as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}

const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;

/**
 * TypeBox checks bodies exactly as typed. Query strings and path parameters
 * arrive as text and are converted first, and TypeBox's conversion is
 * lenient: "true" becomes 1, "1.5" becomes 1, "0x10" 16. Here a numeric
 * query or path field must be written as a plain decimal integer first.
 */
export const strictValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const validate = TypeBoxValidatorCompiler(route as never) as Validate;
  if (route.httpPart === 'body') return validate;
  const properties = (route.schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const numeric = Object.keys(properties).filter((name) => {
    const type = properties[name]?.type;
    return type === 'integer' || type === 'number';
  });
  if (numeric.length === 0) return validate;
  const strict: Validate = (value: unknown) => {
    const input = (value ?? {}) as Record<string, unknown>;
    const bad = numeric.filter((name) => {
      const field = input[name];
      return field !== undefined && !(typeof field === 'string' && DECIMAL_INTEGER.test(field));
    });
    if (bad.length === 0) return validate(value);
    return {
      error: bad.map((name) => ({
        keyword: 'type',
        instancePath: `/${name}`,
        schemaPath: `#/properties/${name}`,
        message: 'must be a decimal integer',
        params: {},
      })),
    };
  };
  return strict;
};
