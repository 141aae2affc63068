import { domainErrorSender } from '../http/envelope.ts';
import { PARTY_ERROR_MESSAGES, PARTY_ERROR_STATUS } from './errors.ts';

export const sendPartyError = domainErrorSender(PARTY_ERROR_STATUS, PARTY_ERROR_MESSAGES);
