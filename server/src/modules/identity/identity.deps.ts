import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../kernel/clock.ts';

export interface IdentityDeps {
  db: Kysely<DB>;
  clock: Clock;
  config: Pick<Config, 'session' | 'lockout' | 'loginThrottle'>;
}
