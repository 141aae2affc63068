/*
 * The x402 v2 shapes Tallystick reads and writes, structurally the same as
 * `@x402/core/types` (so values pass between the two without conversion).
 * Amounts are strings of minor units; `asset` is an ISO 4217 code.
 */

export interface ResourceInfo {
  url: string;
  description?: string;
  mimeType?: string;
}

export interface PaymentRequirements {
  scheme: string;
  network: `${string}:${string}`;
  asset: string;
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
}

/** The `PAYMENT-REQUIRED` header of a 402. `error` is the reason a payment was refused, if one was sent. */
export interface PaymentRequired {
  x402Version: number;
  error?: string;
  resource: ResourceInfo;
  accepts: PaymentRequirements[];
  extensions?: Record<string, unknown>;
}

/** The `PAYMENT-SIGNATURE` header: the chosen requirements echoed back and the scheme's proof. */
export interface PaymentPayload {
  x402Version: number;
  resource?: ResourceInfo;
  accepted: PaymentRequirements;
  payload: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** The `PAYMENT-RESPONSE` header. For Tallystick, `transaction` is the transaction id and `extra` the receipt. */
export interface SettleResponse {
  success: boolean;
  errorReason?: string;
  errorMessage?: string;
  payer?: string;
  transaction: string;
  network: `${string}:${string}`;
  amount?: string;
  extra?: Record<string, unknown>;
}
