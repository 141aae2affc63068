import { describe } from 'vitest';
import { describeMerchantStore } from '../../test/support/store-suite.ts';
import { openPostgresStore } from '../../test/support/stores.ts';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
describe(`postgres merchant store (${engine})`, () => describeMerchantStore(openPostgresStore));
