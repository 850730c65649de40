/**
 * The config's TRUST_PROXY as Fastify's `trustProxy` option.
 *
 * Goals: addresses/CIDRs and `true` pass through; a hop count N trusts the N
 * nearest hops (the Express meaning), which Fastify 5 no longer does for a
 * bare number (it fails closed). Non-goals: parsing (config.ts does that).
 */
import type { TrustProxy } from '../config.js';

export type FastifyTrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function fastifyTrustProxy(tp: TrustProxy): FastifyTrustProxy {
  if (typeof tp !== 'number') return tp;
  const hops = tp;
  // Hop 0 is the socket's peer (the nearest proxy); X-Forwarded-For is read back through `hops` proxies.
  return hops === 0 ? false : (_address: string, hop: number) => hop < hops;
}
