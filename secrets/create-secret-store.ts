import { type EntityManager } from '@mikro-orm/postgresql';
import { AwsSecretStore } from './aws-secret-store';
import { LocalSecretStore } from './local-secret-store';
import { type SecretKeyring } from './secret-keyring';
import { type SecretStore } from './secret-store';

export interface SecretStoreConfig {
  kind: 'aws' | 'local';
  /** For kind 'aws'; credentials come from the SDK's default provider chain. */
  aws?: { region: string; endpoint?: string };
  /** For kind 'local', e.g. from parseSecretKeys(process.env.SECRETS_KEYS, process.env.SECRETS_ACTIVE_KEY). */
  local?: SecretKeyring;
  /** For kind 'local': returns a fresh fork, e.g. `() => orm.em.fork()`. */
  em?: () => EntityManager;
}

export function createSecretStore(config: SecretStoreConfig): SecretStore {
  switch (config.kind) {
    case 'aws':
      if (!config.aws) throw new Error('Secret store kind "aws" needs aws.region (and optionally aws.endpoint).');
      return new AwsSecretStore(config.aws);
    case 'local':
      if (!config.local || !config.em) throw new Error('Secret store kind "local" needs local keys and an em factory.');
      return new LocalSecretStore(config.em, config.local);
    default:
      // The kind usually comes from an environment variable, which no type check covers.
      throw new Error(`Unknown secret store kind "${String(config.kind)}": use "aws" or "local".`);
  }
}
