import { createHash } from 'node:crypto';

/**
 * RFC 7636 as the providers check it at the token endpoint: a code issued with an S256 challenge
 * is redeemed only with the verifier that hashes to it. Undefined when the code passes; else the
 * error description the provider gives (Google's wording).
 */
export function pkceVerifierProblem(codeChallenge: string | undefined, codeVerifier: unknown): string | undefined {
  if (codeChallenge === undefined) return undefined;
  if (typeof codeVerifier !== 'string' || !codeVerifier) return 'Missing code verifier.';
  return createHash('sha256').update(codeVerifier).digest('base64url') === codeChallenge ? undefined : 'Invalid code verifier.';
}
