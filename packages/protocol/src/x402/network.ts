import { isOperatorId } from '../ids/identity.ts';
import { TALLY_NETWORK_NAMESPACE } from './constants.ts';

export type TallyNetwork = `tally:${string}`;

/** `tally:<operatorId>`: operator ids fit CAIP-2 references (`[-a-z0-9]{2,32}`). */
export function tallyNetwork(operatorId: string): TallyNetwork {
  if (!isOperatorId(operatorId)) throw new Error(`not an operator id: ${JSON.stringify(operatorId)}`);
  return `${TALLY_NETWORK_NAMESPACE}:${operatorId}`;
}

/** The operator a Tallystick network names, or undefined for any other network. */
export function operatorOfNetwork(network: unknown): string | undefined {
  if (typeof network !== 'string' || !network.startsWith(`${TALLY_NETWORK_NAMESPACE}:`)) return undefined;
  const operatorId = network.slice(TALLY_NETWORK_NAMESPACE.length + 1);
  return isOperatorId(operatorId) ? operatorId : undefined;
}
