/**
 * Where mail goes: recipient domains with their share of the day's rows, MX hosts, EHLO extensions, TLS,
 * the reply set of the receiving system and the outcome rates that make each provider look like itself.
 * Rates are per attempt (d+b+t) except tq/rb (per row) and complaint (per delivery); jobs scale some of them.
 */
import { domainToASCII } from 'node:url';
import { csvCell } from './csv.js';
import { type Weighted, weighted } from './prng.js';
import { EXCHANGE_ONLINE, GOOGLE, OUTLOOK, YAHOO } from './replies-big.js';
import { APPLE, COMCAST, GMX, ISP, ORANGE, SELF_HOSTED } from './replies-other.js';
import type { ReplySet } from './reply.js';
import { POOLS, type Pool } from './pools.js';

export interface Rates {
  readonly defer: number;
  readonly soft: number;
  /** Share of soft bounces that are message-expired (high where deferrals are high). */
  readonly expired: number;
  readonly tq: number;
  readonly rb: number;
  readonly complaint: number;
}

export interface Mx {
  /** `host (ip)`, host in ASCII (punycode for IDN). */
  readonly dsnMta: string;
  readonly host: string;
  readonly ip: string;
}

/** Feedback-loop reports sent by this provider (Gmail sends none per recipient). */
export interface Fbl {
  readonly format: 'arf' | 'jmrp';
  readonly userAgent: string;
  readonly reportingMta: string;
  /** The provider's reporting hosts: dlvSourceIp of f records. */
  readonly ips: readonly string[];
}

export interface Destination {
  /** Recipient domain as written in rcpt/queue (UTF-8 for IDN). */
  readonly domain: string;
  readonly weight: number;
  /** Queue name domain part: the domain itself or an MX rollup. */
  readonly queueDomain: string;
  readonly pool: Pool;
  readonly mx: readonly Mx[];
  /** dlvEsmtpAvailable, CSV-encoded. */
  readonly esmtp: string;
  /** [dlvTlsProtocol, dlvTlsCipher]; null when the server offers no STARTTLS. */
  readonly tls: Weighted<readonly [string, string]> | null;
  readonly replies: ReplySet;
  readonly rates: Rates;
  readonly fbl: Fbl | null;
  readonly business: boolean;
  /** Misspellings of this domain that appear in bad lists (bad-domain bounces). */
  readonly typos: readonly string[];
}

function mxs(host: string, ips: readonly string[]): Mx[] {
  return ips.map((ip) => ({ host, ip, dsnMta: `${host} (${ip})` }));
}

const TLS13 = weighted<readonly [string, string]>([
  [['TLSv1.3', 'TLS_AES_256_GCM_SHA384'], 70],
  [['TLSv1.3', 'TLS_AES_128_GCM_SHA256'], 30],
]);
const TLS_MIXED = weighted<readonly [string, string]>([
  [['TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384'], 65],
  [['TLSv1.3', 'TLS_AES_256_GCM_SHA384'], 35],
]);
const TLS12 = weighted<readonly [string, string]>([[['TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384'], 1]]);

/**
 * dlvEsmtpAvailable lists the extensions PowerMTA noted, in one fixed order: every public sample is a subsequence
 * of PIPELINING,ENHANCEDSTATUSCODES,8BITMIME,SIZE,STARTTLS,SMTPUTF8 (5.x samples omit PIPELINING).
 */
const EHLO = {
  full: csvCell('ENHANCEDSTATUSCODES,8BITMIME,SIZE,STARTTLS,SMTPUTF8'),
  noUtf8: csvCell('ENHANCEDSTATUSCODES,8BITMIME,SIZE,STARTTLS'),
  noTls: csvCell('ENHANCEDSTATUSCODES,8BITMIME,SIZE,SMTPUTF8'),
  small: csvCell('8BITMIME,SIZE,STARTTLS'),
};

const RATES = {
  gmail: { defer: 0.038, soft: 0.022, expired: 0.05, tq: 0.003, rb: 0, complaint: 0 },
  microsoft: { defer: 0.015, soft: 0.035, expired: 0.05, tq: 0.015, rb: 0, complaint: 0.0011 },
  yahoo: { defer: 0.014, soft: 0.04, expired: 0.08, tq: 0.025, rb: 0, complaint: 0.0014 },
  apple: { defer: 0.12, soft: 0.03, expired: 0.15, tq: 0.01, rb: 0, complaint: 0 },
  comcast: { defer: 0.18, soft: 0.04, expired: 0.2, tq: 0.03, rb: 0, complaint: 0.0013 },
  gmx: { defer: 0.35, soft: 0.08, expired: 0.3, tq: 0.04, rb: 0, complaint: 0 },
  orange: { defer: 0.4, soft: 0.09, expired: 0.35, tq: 0.06, rb: 0, complaint: 0 },
  isp: { defer: 0.3, soft: 0.06, expired: 0.25, tq: 0.04, rb: 0.04, complaint: 0 },
  workspace: { defer: 0.04, soft: 0.03, expired: 0.05, tq: 0.003, rb: 0, complaint: 0 },
  exchangeOnline: { defer: 0.02, soft: 0.05, expired: 0.05, tq: 0.01, rb: 0.06, complaint: 0 },
  selfHosted: { defer: 0.55, soft: 0.05, expired: 0.3, tq: 0.12, rb: 0.1, complaint: 0 },
} satisfies Record<string, Rates>;

const FBL = {
  yahoo: {
    format: 'arf',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
    reportingMta: 'feedback.mail.yahoo.com',
    ips: ['98.136.202.21', '98.136.202.22', '66.163.186.24'],
  },
  microsoft: { format: 'jmrp', userAgent: '', reportingMta: 'jmrp.outlook.com', ips: ['40.92.19.61', '40.92.42.88', '52.100.143.10'] },
  comcast: { format: 'arf', userAgent: 'ReturnPathFBL/2.0', reportingMta: 'fbl.returnpath.net', ips: ['208.93.24.10', '208.93.24.11'] },
} satisfies Record<string, Fbl>;

type Spec = Omit<Destination, 'domain' | 'weight' | 'queueDomain' | 'typos' | 'business'> & {
  readonly rollup?: string;
  readonly business?: boolean;
  readonly typos?: readonly string[];
};

function family(spec: Spec, domains: readonly (readonly [string, number, Mx[]?])[]): Destination[] {
  return domains.map(([domain, weight, mx]) => ({
    ...spec,
    domain,
    weight,
    mx: mx ?? spec.mx,
    queueDomain: spec.rollup ?? domain,
    business: spec.business ?? false,
    typos: spec.typos ?? [],
  }));
}

const GMAIL_MX = mxs('gmail-smtp-in.l.google.com', [
  '142.250.102.27',
  '142.251.9.26',
  '64.233.161.27',
  '74.125.200.27',
  '173.194.76.26',
  '108.177.15.26',
]);
const ASPMX = [
  ...mxs('aspmx.l.google.com', ['142.250.27.26', '142.251.9.27', '64.233.184.27']),
  ...mxs('alt1.aspmx.l.google.com', ['142.250.153.27']),
];
const OLC_IPS = ['52.101.8.46', '52.101.9.13', '52.101.40.26', '52.101.41.20', '52.101.68.17', '52.101.73.30'];
const olc = (name: string) => mxs(`${name}.olc.protection.outlook.com`, OLC_IPS);
const YAHOO_MX = [
  ...mxs('mta5.am0.yahoodns.net', ['67.195.204.72', '98.136.96.74']),
  ...mxs('mta7.am0.yahoodns.net', ['67.195.228.106', '66.196.118.35']),
];
const AOL_MX = mxs('mx-aol.mail.gm0.yahoodns.net', ['67.195.204.79', '98.136.96.91']);

/** Consumer mailbox providers (90 % of rows). */
const CONSUMER: Destination[] = [
  ...family(
    {
      pool: POOLS.gmail,
      mx: GMAIL_MX,
      esmtp: EHLO.full,
      tls: TLS13,
      replies: GOOGLE,
      rates: RATES.gmail,
      fbl: null,
      typos: ['gmial.com', 'gmail.con', 'gmai.com'],
    },
    [
      ['gmail.com', 32],
      ['googlemail.com', 1],
    ],
  ),
  // hotmail.com, live.com and msn.com share the same MXs: the manual's example for a hotmail.rollup queue.
  ...family(
    {
      pool: POOLS.microsoft,
      mx: [],
      esmtp: EHLO.full,
      tls: TLS_MIXED,
      replies: OUTLOOK,
      rates: RATES.microsoft,
      fbl: FBL.microsoft,
      rollup: 'hotmail.rollup',
      typos: ['hotmial.com', 'hotmail.con'],
    },
    [
      ['hotmail.com', 10, olc('hotmail-com')],
      ['live.com', 2.5, olc('live-com')],
      ['msn.com', 1.5, olc('msn-com')],
    ],
  ),
  ...family(
    {
      pool: POOLS.microsoft,
      mx: olc('eur'),
      esmtp: EHLO.full,
      tls: TLS_MIXED,
      replies: OUTLOOK,
      rates: RATES.microsoft,
      fbl: FBL.microsoft,
      typos: ['outlok.com'],
    },
    [
      ['outlook.com', 6, olc('outlook-com')],
      ['hotmail.co.uk', 1],
      ['hotmail.fr', 1],
    ],
  ),
  ...family(
    {
      pool: POOLS.yahoo,
      mx: YAHOO_MX,
      esmtp: EHLO.small,
      tls: TLS13,
      replies: YAHOO,
      rates: RATES.yahoo,
      fbl: FBL.yahoo,
      rollup: 'yahoo.rollup',
      typos: ['yaho.com', 'yahooo.com'],
    },
    [
      ['yahoo.com', 7.5],
      ['aol.com', 3, AOL_MX],
      ['yahoo.fr', 1.5, mxs('mx-eu.mail.am0.yahoodns.net', ['188.125.72.74', '87.248.110.116'])],
      ['ymail.com', 0.8],
      ['verizon.net', 1.2, AOL_MX],
    ],
  ),
  ...family(
    {
      pool: POOLS.shared,
      mx: [...mxs('mx01.mail.icloud.com', ['17.57.155.34', '17.57.154.33']), ...mxs('mx02.mail.icloud.com', ['17.42.251.41'])],
      esmtp: EHLO.full,
      tls: TLS13,
      replies: APPLE,
      rates: RATES.apple,
      fbl: null,
    },
    [
      ['icloud.com', 4],
      ['me.com', 1],
    ],
  ),
  ...family(
    {
      pool: POOLS.shared,
      mx: [...mxs('mx1a1.comcast.net', ['96.102.18.149', '96.103.146.48']), ...mxs('mx2c1.comcast.net', ['96.102.19.71'])],
      esmtp: EHLO.noUtf8,
      tls: TLS12,
      replies: COMCAST,
      rates: RATES.comcast,
      fbl: FBL.comcast,
      typos: ['comcast.com'],
    },
    [['comcast.net', 3]],
  ),
  ...family(
    {
      pool: POOLS.shared,
      mx: [...mxs('mx00.emig.gmx.net', ['212.227.15.9']), ...mxs('mx01.emig.gmx.net', ['212.227.17.5'])],
      esmtp: EHLO.small,
      tls: TLS_MIXED,
      replies: GMX,
      rates: RATES.gmx,
      fbl: null,
    },
    [
      ['gmx.de', 1.8],
      ['gmx.net', 0.8],
      ['web.de', 1.4, [...mxs('mx-ha02.web.de', ['212.227.17.8']), ...mxs('mx-ha03.web.de', ['212.227.15.41'])]],
    ],
  ),
  ...family(
    {
      pool: POOLS.shared,
      mx: mxs('smtp-in.orange.fr', ['80.12.242.11', '80.12.242.15', '193.252.22.84']),
      esmtp: EHLO.small,
      tls: TLS12,
      replies: ORANGE,
      rates: RATES.orange,
      fbl: null,
    },
    [
      ['orange.fr', 2.2],
      ['wanadoo.fr', 0.8],
    ],
  ),
  ...family(
    {
      pool: POOLS.shared,
      mx: [],
      esmtp: EHLO.full,
      tls: weighted([
        [['TLSv1.3', 'TLS_AES_256_GCM_SHA384'], 60],
        [['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256'], 40],
      ]),
      replies: ISP,
      rates: RATES.isp,
      fbl: null,
    },
    [
      ['free.fr', 1.4, [...mxs('mx1.free.fr', ['212.27.48.6']), ...mxs('mx2.free.fr', ['212.27.42.2'])]],
      ['sfr.fr', 0.8, mxs('mx2.sfr.fr', ['93.17.128.20', '93.17.128.21'])],
      ['t-online.de', 1.5, [...mxs('mx00.t-online.de', ['194.25.134.8']), ...mxs('mx01.t-online.de', ['194.25.134.9'])]],
      ['libero.it', 1, mxs('smtp-in.libero.it', ['213.209.1.129'])],
      ['btinternet.com', 0.8, mxs('mx.bt.lon5.cpcloud.co.uk', ['65.20.0.49'])],
      ['laposte.net', 0.5, mxs('smtp-in.laposte.net', ['160.92.124.66'])],
    ],
  ),
];

/** Self-hosted servers get addresses from TEST-NET-1, except bücher.de which keeps the manual's tq sample host. */
function selfHosted(domain: string, weight: number, tls: boolean, hostIp: number): Destination {
  const ascii = domainToASCII(domain);
  const mx =
    domain === 'bücher.de' ? mxs(`mx.${ascii}`, ['87.98.150.101']) : mxs(`mx1.${ascii}`, [`192.0.2.${hostIp}`, `192.0.2.${hostIp + 1}`]);
  return {
    domain,
    weight,
    queueDomain: domain,
    pool: POOLS.shared,
    mx,
    esmtp: tls ? EHLO.full : EHLO.noTls,
    tls: tls ? TLS_MIXED : null,
    replies: SELF_HOSTED,
    rates: RATES.selfHosted,
    fbl: null,
    business: true,
    typos: [],
  };
}

function exchangeTenant(domain: string, weight: number): Destination {
  return {
    domain,
    weight,
    queueDomain: domain,
    pool: POOLS.shared,
    mx: mxs(`${domain.replaceAll('.', '-')}.mail.protection.outlook.com`, ['52.101.11.2', '52.101.42.9', '52.101.194.15']),
    esmtp: EHLO.full,
    tls: TLS_MIXED,
    replies: EXCHANGE_ONLINE,
    rates: RATES.exchangeOnline,
    fbl: null,
    business: true,
    typos: [],
  };
}

/** Business domains (10 %): Google Workspace, Exchange Online tenants, self-hosted servers (incl. IDN). */
const BUSINESS: Destination[] = [
  ...family(
    { pool: POOLS.shared, mx: ASPMX, esmtp: EHLO.full, tls: TLS13, replies: GOOGLE, rates: RATES.workspace, fbl: null, business: true },
    [
      ['acme-widgets.com', 1],
      ['brightlane.io', 0.8],
      ['nordwind-logistik.de', 0.9],
      ['atelier-lumiere.fr', 0.8],
    ],
  ),
  exchangeTenant('contoso.com', 0.9),
  exchangeTenant('fabrikam.com', 0.8),
  exchangeTenant('northwindtraders.com', 0.7),
  exchangeTenant('woodgrovebank.com', 0.6),
  exchangeTenant('litwareinc.com', 0.5),
  selfHosted('stadtwerke-beispiel.de', 0.7, true, 10),
  selfHosted('kanzlei-mueller.de', 0.4, false, 20),
  selfHosted('univ-exemple.fr', 0.7, true, 30),
  selfHosted('mairie-exemple.fr', 0.4, true, 40),
  selfHosted('bücher.de', 0.5, true, 50),
  selfHosted('münchen-mail.de', 0.3, false, 60),
];

const DESTINATIONS: readonly Destination[] = [...CONSUMER, ...BUSINESS];

// Configuration mistakes would otherwise silently skew the rates: fail at load instead.
for (const d of DESTINATIONS) {
  if (d.mx.length === 0) throw new Error(`${d.domain}: no MX`);
  if (d.rates.rb > 0 && d.replies.remote === null) throw new Error(`${d.domain}: remote bounces without remote replies`);
  if (d.rates.complaint > 0 && d.fbl === null) throw new Error(`${d.domain}: complaints without a feedback loop`);
}

export const DESTINATION_PICK = weighted(DESTINATIONS.map((d) => [d, d.weight] as const));

/** Typos for destinations that have none of their own. */
export const COMMON_TYPOS: readonly string[] = ['gmial.com', 'hotmial.com', 'yahooo.com', 'outlook.con'];
