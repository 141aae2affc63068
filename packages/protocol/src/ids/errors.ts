export const ID_ERRORS = ['id_malformed', 'id_sequence_too_large'] as const;
export type IdError = (typeof ID_ERRORS)[number];

export const ID_ERROR_MESSAGES: { readonly [k in IdError]: string } = {
  id_malformed: 'the identity does not have the expected form',
  id_sequence_too_large: 'a sequence number in the identity is larger than 2^53 - 1',
};

export function isIdError(value: unknown): value is IdError {
  return typeof value === 'string' && (ID_ERRORS as readonly string[]).includes(value);
}
