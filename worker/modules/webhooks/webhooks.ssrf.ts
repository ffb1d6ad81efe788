/**
 * Where webhooks may be sent. Link-local and cloud metadata addresses are
 * refused everywhere; in production also plain http, private, loopback and
 * other non-public ranges. Checked on the URL at creation and, at delivery,
 * on every address the host name resolves to (see ADR 019 for what workerd
 * lets us resolve).
 */

export type Environment = 'development' | 'test' | 'staging' | 'production';

export class BlockedDestination extends Error {
  override name = 'BlockedDestination';
}

/** Names that reach instance metadata services without an IP literal. */
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Metadata services outside 169.254.0.0/16. */
const METADATA_IPV4 = new Set(['100.100.100.200', '192.0.0.192']);

type Range = [base: number, bits: number];

function ipv4ToNumber(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

function inRange(value: number, [base, bits]: Range): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(value / size) === Math.floor(base / size);
}

const v4 = (text: string, bits: number): Range => [ipv4ToNumber(text) as number, bits];

const LINK_LOCAL_V4: Range[] = [v4('169.254.0.0', 16)];
const LOOPBACK_V4: Range[] = [v4('127.0.0.0', 8)];
/** Private, shared, reserved and otherwise non-public IPv4 space. */
const NON_PUBLIC_V4: Range[] = [
  v4('0.0.0.0', 8),
  v4('10.0.0.0', 8),
  v4('100.64.0.0', 10),
  v4('172.16.0.0', 12),
  v4('192.0.0.0', 24),
  v4('192.0.2.0', 24),
  v4('192.168.0.0', 16),
  v4('198.18.0.0', 15),
  v4('198.51.100.0', 24),
  v4('203.0.113.0', 24),
  v4('224.0.0.0', 4),
  v4('240.0.0.0', 4),
];

/** Expands an IPv6 literal (without brackets) to 8 groups; null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // a trailing dotted IPv4 (::ffff:1.2.3.4) becomes two groups
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] && dotted[2]) {
    const value = ipv4ToNumber(dotted[2]);
    if (value === null) return null;
    text = `${dotted[1]}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => Number.parseInt(group, 16));
}

export type AddressClass = 'link-local' | 'metadata' | 'loopback' | 'private' | 'public';

/** Classifies an IP literal; null when the text is not an IP address. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const value = ipv4ToNumber(bare);
  if (value !== null) {
    if (METADATA_IPV4.has(bare)) return 'metadata';
    if (LINK_LOCAL_V4.some((range) => inRange(value, range))) return 'link-local';
    if (LOOPBACK_V4.some((range) => inRange(value, range))) return 'loopback';
    if (NON_PUBLIC_V4.some((range) => inRange(value, range))) return 'private';
    return 'public';
  }
  const groups = ipv6Groups(bare);
  if (!groups) return null;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible/translated forms carry an IPv4 address
  if (
    g0 === 0 &&
    g1 === 0 &&
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    (g5 === 0xffff || g5 === 0) &&
    (g6 || g7 > 1)
  ) {
    return classifyAddress(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`);
  }
  if (g0 === 0x64 && g1 === 0xff9b) return classifyAddress(`${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`);
  if (groups.every((group, index) => (index === 7 ? group === 1 : group === 0))) return 'loopback';
  if (groups.every((group) => group === 0)) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  // AWS's IPv6 metadata endpoint fd00:ec2::254
  if (
    g0 === 0xfd00 &&
    g1 === 0x0ec2 &&
    g7 === 0x254 &&
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    g5 === 0 &&
    g6 === 0
  ) {
    return 'metadata';
  }
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfec0 || (g0 & 0xff00) === 0xff00) return 'private';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'private';
  return 'public';
}

function allowedClass(kind: AddressClass, environment: Environment): boolean {
  if (kind === 'link-local' || kind === 'metadata') return false;
  if (environment !== 'production') return true;
  return kind === 'public';
}

function describeClass(kind: AddressClass): string {
  return {
    'link-local': 'a link-local address',
    metadata: 'a cloud metadata address',
    loopback: 'a loopback address',
    private: 'a private or reserved address',
    public: 'a public address',
  }[kind];
}

/** Checks a URL without resolving its host; throws BlockedDestination with the reason. */
export function assertDestinationUrl(raw: string, environment: Environment): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedDestination('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BlockedDestination('only http and https URLs can receive webhooks');
  }
  if (url.protocol === 'http:' && environment === 'production') {
    throw new BlockedDestination('webhooks are sent over https only');
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) throw new BlockedDestination(`${host} is a cloud metadata host`);
  const kind = classifyAddress(host);
  if (kind && !allowedClass(kind, environment)) {
    throw new BlockedDestination(`${host} is ${describeClass(kind)}`);
  }
  if (!kind && environment === 'production' && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw new BlockedDestination(`${host} is a loopback name`);
  }
  if (!kind && environment === 'production' && (host.endsWith('.internal') || host.endsWith('.local'))) {
    throw new BlockedDestination(`${host} is a private name`);
  }
  return url;
}

/** Resolves a host name to its addresses (A and AAAA). */
export type Resolver = (host: string) => Promise<string[]>;

/**
 * A DNS-over-HTTPS resolver (the JSON API of RFC 8484 resolvers such as
 * Cloudflare's): workerd has no DNS API, but `fetch` reaches a DoH endpoint.
 */
export function dohResolver(endpoint: string, fetcher: typeof fetch = fetch): Resolver {
  return async (host) => {
    const lookup = async (type: 'A' | 'AAAA') => {
      const url = new URL(endpoint);
      url.searchParams.set('name', host);
      url.searchParams.set('type', type);
      const response = await fetcher(url, {
        headers: { accept: 'application/dns-json' },
        signal: AbortSignal.timeout(3_000),
      });
      if (!response.ok) throw new Error(`DNS resolver answered ${response.status}`);
      const answer = (await response.json()) as {
        Status?: number;
        Answer?: { type: number; data: string }[];
      };
      const wanted = type === 'A' ? 1 : 28;
      return (answer.Answer ?? []).filter((record) => record.type === wanted).map((record) => record.data);
    };
    const [a, aaaa] = await Promise.all([lookup('A'), lookup('AAAA')]);
    return [...a, ...aaaa];
  };
}

/**
 * The delivery-time check: the URL again, then every address its host
 * resolves to. Without a resolver only IP literals can be judged.
 */
export async function assertDestination(
  raw: string,
  environment: Environment,
  resolve: Resolver | null,
  options: { allowUnresolved?: boolean } = {},
): Promise<URL> {
  const url = assertDestinationUrl(raw, environment);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!resolve || classifyAddress(host)) return url;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    if (options.allowUnresolved) return url;
    throw new BlockedDestination(
      `could not resolve ${host}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (addresses.length === 0 && options.allowUnresolved) return url;
  if (addresses.length === 0) throw new BlockedDestination(`${host} does not resolve`);
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind && !allowedClass(kind, environment)) {
      throw new BlockedDestination(`${host} resolves to ${address}, ${describeClass(kind)}`);
    }
  }
  return url;
}
