/** The `mty` claim of each trading-session message (DESIGN §3). */
export const MESSAGE_TYPES = {
  initiation: 'tally.initiation',
  amendedInitiation: 'tally.amended_initiation',
  information: 'tally.information',
  merchantAck: 'tally.merchant_ack',
  mtaAck: 'tally.mta_ack',
  sessionReady: 'tally.session_ready',
  voucher: 'tally.voucher',
  terminate: 'tally.terminate',
  customerRecord: 'tally.customer_record',
  merchantRecord: 'tally.merchant_record',
  clearing: 'tally.clearing',
  currencyTable: 'tally.currency_table',
} as const;
export type MessageType = (typeof MESSAGE_TYPES)[keyof typeof MESSAGE_TYPES];
