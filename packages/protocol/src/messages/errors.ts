export const MESSAGE_ERRORS = ['message_body_invalid'] as const;
export type MessageError = (typeof MESSAGE_ERRORS)[number];

export const MESSAGE_ERROR_MESSAGES: { readonly [k in MessageError]: string } = {
  message_body_invalid: 'the message body does not match its schema',
};

/** Thrown by `verifyTyped`/`decodeBody` (and by signing an invalid body): names the offending field. */
export class MessageBodyError extends Error {
  override readonly name = 'MessageBodyError';
  constructor(
    readonly code: MessageError,
    /** Dotted path into the body, e.g. `hashChain.rootHex`; `(body)` for the body itself. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${MESSAGE_ERROR_MESSAGES[code]}: ${field} ${problem}`);
  }
}
