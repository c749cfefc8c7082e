import { secretStoreError } from './secret-store-errors';

// AWS Secrets Manager's rule for names. The local store enforces it too, so a name that works
// without AWS also works in production.
const SECRET_NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export function assertValidSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw secretStoreError('invalid', `invalid secret name "${name}": use 1-512 characters of A-Z a-z 0-9 / _ + = . @ -`);
  }
}

/** An empty prefix would match every secret of every tenant. */
export function assertValidSecretPrefix(prefix: string): void {
  if (!SECRET_NAME_PATTERN.test(prefix)) {
    throw secretStoreError('invalid', `invalid secret prefix "${prefix}": use 1-512 characters of A-Z a-z 0-9 / _ + = . @ -`);
  }
}
