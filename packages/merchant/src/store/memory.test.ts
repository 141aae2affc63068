import { describe } from 'vitest';
import { describeMerchantStore } from '../../test/support/store-suite.ts';
import { openMemoryStore } from '../../test/support/stores.ts';

describe('memory merchant store', () => describeMerchantStore(openMemoryStore));
