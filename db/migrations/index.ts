import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128120000_initial } from './Migration20261128120000_initial';
import { Migration20261128120500_secret_value } from './Migration20261128120500_secret_value';

/**
 * Every migration this build knows, in order. Listed explicitly (no folder scan) so ts-node,
 * compiled builds and Docker images run exactly the same set.
 */
export const knownMigrations: MigrationObject[] = [
  { name: 'Migration20261128120000_initial', class: Migration20261128120000_initial },
  { name: 'Migration20261128120500_secret_value', class: Migration20261128120500_secret_value },
];
