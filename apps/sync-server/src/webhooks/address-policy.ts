// Which network addresses webhooks may reach (SSRF guard). Only public unicast addresses: private,
// loopback, link-local (cloud metadata at 169.254.169.254), unique-local, unspecified, CGNAT, multicast and
// reserved ranges are refused, IPv4-mapped IPv6 included. Checked twice: at registration (literal address
// or the name's current DNS answers) and at delivery by the connecting agent after its own DNS lookup, so
// a name rebound to an internal address later reaches nothing. `allowLoopback` (WEBHOOK_ALLOW_PRIVATE=1)
// admits 127.0.0.0/8 and ::1 for local development and tests, nothing else.
import { lookup } from 'node:dns/promises';
import type { Agent } from 'node:http';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

export interface AddressPolicy {
  allowLoopback: boolean;
}

/** What a refused delivery records: it never names the address or what (if anything) answered there. */
export const REFUSED_DESTINATION = 'destination address is not allowed (private, loopback, link-local or metadata)';

/** Null when the IP may be reached, otherwise its range name (e.g. "loopback", "private", "linkLocal"). */
export function refusedRange(ip: string, policy: AddressPolicy): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return 'unparseable';
  }
  const range = addr.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && policy.allowLoopback) return null;
  return range;
}

/** Registration-time check of a webhook URL: null when acceptable, else why not. */
export async function refusedWebhookUrl(url: string, policy: AddressPolicy): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    const range = refusedRange(host, policy);
    return range ? `the URL points at a ${range} address` : null;
  }
  let answers: { address: string }[];
  let timer: NodeJS.Timeout | undefined;
  try {
    // Registration must not hang on a slow resolver; delivery checks again anyway.
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS timeout')), 3000)));
    answers = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
  } catch {
    // Unresolvable now (offline development, a name not live yet): delivery checks again after its lookup.
    return null;
  } finally {
    clearTimeout(timer);
  }
  const bad = answers.map((a) => refusedRange(a.address, policy)).find((r) => r !== null);
  return bad ? `the host name resolves to a ${bad} address` : null;
}

/** Agents for deliveries: they resolve the name themselves and refuse to connect to a forbidden address. */
export function deliveryAgents(policy: AddressPolicy): { http: Agent; https: Agent } {
  const options = {
    keepAlive: false,
    allowPrivateIPAddress: false,
    allowMetaIPAddress: false,
    allowIPAddressList: policy.allowLoopback ? ['127.0.0.0/8', '::1/128'] : [],
  };
  return { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
}

/** True for the agents' refusal errors (their messages name the address, so they are not stored). */
export function isRefusedDestination(err: unknown): boolean {
  return err instanceof Error && /is not allowed\. Because/.test(err.message);
}
