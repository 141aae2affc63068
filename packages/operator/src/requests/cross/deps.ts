import type { SigningKey } from '@tallystick/protocol';
import type { OperatorDirectory } from '../../federation/directory.ts';
import type { AccountEnsurer } from '../../mta/accounts.ts';
import type { RateSource } from '../../rates/model.ts';

/** What a node needs to take part in request-to-pay across operators. */
export interface CrossDeps {
  readonly directory: OperatorDirectory;
  /** The operator key: forwards and answers are signed by the operator, verified from its published document. */
  readonly key: SigningKey;
  readonly rates: RateSource;
  readonly ensureAccounts: AccountEnsurer;
  readonly fetch?: typeof fetch;
}
