import type { Context } from 'koa';

/** Who is acting, as far as the operator listener can tell. */
export interface OperatorIdentity {
  /** The name the OIDC proxy vouched for, or undefined for a bare token holder. */
  name?: string;
  /** The client's address: the proxy's view of it when the request came through a trusted proxy. */
  address: string;
}

const maxNameLength = 200;

/** `::ffff:10.0.0.5` and `10.0.0.5` are the same IPv4 client. */
function normalisedAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

function fromTrustedProxy(ctx: Context, trustedProxies: string[]): boolean {
  return trustedProxies.includes(normalisedAddress(ctx.req.socket.remoteAddress));
}

/**
 * The address limits are counted on. X-Forwarded-For is believed only from a trusted proxy, and
 * then only its last entry (the one the proxy itself appended), so a client cannot pick its own.
 */
export function operatorClientAddress(ctx: Context, trustedProxies: string[]): string {
  const socketAddress = normalisedAddress(ctx.req.socket.remoteAddress);
  if (!fromTrustedProxy(ctx, trustedProxies)) return socketAddress;
  const forwarded = ctx.get('x-forwarded-for').split(',').map((entry) => entry.trim()).filter(Boolean).at(-1);
  return forwarded ? normalisedAddress(forwarded) : socketAddress;
}

/**
 * The operator behind a request. The identity header is set by the OIDC proxy in front of the
 * operator listener; from any other address it is a claim anyone could make, so it is ignored.
 */
export function operatorIdentity(ctx: Context, settings: { identityHeader?: string; trustedProxies: string[] }): OperatorIdentity {
  const address = operatorClientAddress(ctx, settings.trustedProxies);
  if (!settings.identityHeader || !fromTrustedProxy(ctx, settings.trustedProxies)) return { address };
  // No control or format characters: the name goes into logs and the audit log.
  const name = ctx.get(settings.identityHeader).replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, maxNameLength);
  return { address, name: name || undefined };
}

/** The audit log's actor for an operator action: `operator`, or `operator:<name>` behind the proxy. */
export function operatorActor(identity: OperatorIdentity): string {
  // The audit log's actor column holds 64 characters; the full name also goes into the row's detail.
  return identity.name ? `operator:${identity.name}`.slice(0, 64) : 'operator';
}
