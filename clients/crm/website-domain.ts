import { normaliseDomain } from '../../domain/crm';

/**
 * CRMs without a domain search store free-text websites ("https://www.Acme.com/about"); a
 * match is exact equality of the normalised domains, so acme.com never matches acme.com.au
 * or notacme.com.
 */
export function websiteMatchesDomain(website: unknown, domain: string): boolean {
  const target = normaliseDomain(domain);
  return target !== '' && typeof website === 'string' && normaliseDomain(website) === target;
}

/** The normalised domain of a website value, when there is one. */
export function domainOfWebsite(website: unknown): string | undefined {
  if (typeof website !== 'string') return undefined;
  const domain = normaliseDomain(website);
  return domain.includes('.') ? domain : undefined;
}
