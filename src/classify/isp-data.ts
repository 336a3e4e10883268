/**
 * Built-in mailbox-provider (ISP) data: DATA ONLY, the lookup lives in isp-map.ts.
 * Reference notes: pmta-accounting.md §8. Facts were taken from these sources; no code was copied:
 * - [S12] Recipient domains: Badsender-com/EmailDestinations, list-email-domain-names-per-destination.csv
 *   (licence WTFPL; last commit 2023-01-11), https://github.com/Badsender-com/EmailDestinations. Every row
 *   is here (a copy is test/fixtures/ref/badsender-EmailDestinations.csv and a test checks each one);
 *   the few rows placed differently from S12's DESTINATION column say why next to their provider.
 * - [S11] MX host suffixes that group a provider: KumoCorp/kumomta assets/policy-extras/shaping.toml and
 *   assets/community/shaping.toml (licence Apache-2.0), https://github.com/KumoCorp/kumomta.
 *   Suffixes marked "own domain" are hosts under the provider's own mail domain (general knowledge).
 * - `.rollup` queue names: PowerMTA v5.0 User's Guide §10.17 (`<mx-rollup-list>`; queues named
 *   `NAME.rollup`, e.g. hotmail.rollup, outlook.rollup, yahoo.rollup, secureserver.net.rollup).
 * Ids are stable lowercase keys (they appear in JSON output and user configs): never rename one.
 */

/** Provider id → display name. Every id used below is listed here. */
export const ISP_NAMES: Readonly<Record<string, string>> = {
  gmail: 'Gmail',
  microsoft: 'Microsoft',
  office365: 'Office 365',
  yahoo: 'Yahoo',
  'yahoo-japan': 'Yahoo! JAPAN',
  apple: 'Apple',
  comcast: 'Comcast',
  mailcom: 'Mail.com',
  gmx: 'GMX / WEB.DE',
  't-online': 'T-Online',
  freenet: 'Freenet',
  arcor: 'Arcor',
  orange: 'Orange',
  free: 'Free',
  sfr: 'SFR',
  laposte: 'La Poste',
  bouygues: 'Bouygues Telecom',
  voila: 'Voila',
  libero: 'Libero',
  alice: 'TIM (Alice)',
  tiscali: 'Tiscali',
  emailit: 'Email.it',
  bt: 'BT',
  virgin: 'Virgin Media',
  talktalk: 'TalkTalk',
  vodafone: 'Vodafone',
  telenet: 'Telenet',
  proximus: 'Proximus',
  bluewin: 'Bluewin',
  kpn: 'KPN',
  o2pl: 'o2.pl',
  wppl: 'WP.pl',
  movistar: 'Movistar',
  mailru: 'Mail.ru',
  rambler: 'Rambler',
  facebook: 'Facebook',
  qq: 'QQ Mail',
  netease: 'NetEase',
  netvigator: 'Netvigator',
  mimecast: 'Mimecast',
  proofpoint: 'Proofpoint',
  barracuda: 'Barracuda',
  other: 'Other',
};

/** Provider id → its recipient domains (lowercase, sorted). MX-only ids (office365, mimecast, proofpoint, barracuda) have none. */
export const PROVIDER_DOMAINS: Readonly<Record<string, readonly string[]>> = {
  // Google: gmail.com [S12] and googlemail.com. Workspace custom domains are found by MX only.
  gmail: ['gmail.com', 'googlemail.com'],
  // Microsoft consumer mail (Outlook.com / Hotmail / Live / MSN) [S12]. Office 365 tenants: MX only.
  microsoft: [
    'dbmail.com', 'hotmail.ac', 'hotmail.as', 'hotmail.at', 'hotmail.ba', 'hotmail.bb', 'hotmail.be',
    'hotmail.bs', 'hotmail.ca', 'hotmail.ch', 'hotmail.cl', 'hotmail.co.at', 'hotmail.co.id',
    'hotmail.co.il', 'hotmail.co.in', 'hotmail.co.jp', 'hotmail.co.kr', 'hotmail.co.nz', 'hotmail.co.pn',
    'hotmail.co.th', 'hotmail.co.ug', 'hotmail.co.uk', 'hotmail.co.ve', 'hotmail.co.za', 'hotmail.com',
    'hotmail.com.ar', 'hotmail.com.au', 'hotmail.com.bo', 'hotmail.com.br', 'hotmail.com.do',
    'hotmail.com.hk', 'hotmail.com.ly', 'hotmail.com.my', 'hotmail.com.ph', 'hotmail.com.pl',
    'hotmail.com.ru', 'hotmail.com.sg', 'hotmail.com.tr', 'hotmail.com.tt', 'hotmail.com.tw',
    'hotmail.com.uz', 'hotmail.com.ve', 'hotmail.com.vn', 'hotmail.cz', 'hotmail.de', 'hotmail.dk',
    'hotmail.ee', 'hotmail.es', 'hotmail.fi', 'hotmail.fr', 'hotmail.gr', 'hotmail.hk', 'hotmail.hu',
    'hotmail.ie', 'hotmail.it', 'hotmail.jp', 'hotmail.la', 'hotmail.lt', 'hotmail.lu', 'hotmail.lv',
    'hotmail.ly', 'hotmail.mn', 'hotmail.mw', 'hotmail.my', 'hotmail.net.fj', 'hotmail.nl', 'hotmail.no',
    'hotmail.ph', 'hotmail.pn', 'hotmail.pt', 'hotmail.rs', 'hotmail.se', 'hotmail.sg', 'hotmail.sh',
    'hotmail.sk', 'hotmail.ua', 'hotmail.vu', 'live.at', 'live.be', 'live.ca', 'live.ch', 'live.cl',
    'live.cn', 'live.co.in', 'live.co.kr', 'live.co.uk', 'live.co.za', 'live.com', 'live.com.ar',
    'live.com.au', 'live.com.co', 'live.com.gt', 'live.com.mx', 'live.com.my', 'live.com.pe', 'live.com.ph',
    'live.com.pk', 'live.com.pt', 'live.com.sg', 'live.com.ve', 'live.de', 'live.dk', 'live.fi', 'live.fr',
    'live.hk', 'live.ie', 'live.in', 'live.is', 'live.it', 'live.jp', 'live.mk', 'live.nl', 'live.no',
    'live.ph', 'live.ru', 'live.se', 'live.wf', 'msn.cn', 'msn.co.nz', 'msn.com', 'msn.mv', 'msn.net.au',
    'msn.nl', 'outlook.at', 'outlook.ax', 'outlook.be', 'outlook.bg', 'outlook.bz', 'outlook.cl',
    'outlook.cm', 'outlook.co', 'outlook.co.ao', 'outlook.co.cr', 'outlook.co.id', 'outlook.co.il',
    'outlook.co.jp', 'outlook.co.nz', 'outlook.co.th', 'outlook.com', 'outlook.com.ar', 'outlook.com.au',
    'outlook.com.br', 'outlook.com.cn', 'outlook.com.es', 'outlook.com.gr', 'outlook.com.hr',
    'outlook.com.pe', 'outlook.com.py', 'outlook.com.tr', 'outlook.com.ua', 'outlook.com.vn', 'outlook.cz',
    'outlook.de', 'outlook.dk', 'outlook.ec', 'outlook.es', 'outlook.fr', 'outlook.hn', 'outlook.ht',
    'outlook.hu', 'outlook.ie', 'outlook.in', 'outlook.it', 'outlook.jp', 'outlook.kr', 'outlook.la',
    'outlook.lv', 'outlook.mx', 'outlook.my', 'outlook.pa', 'outlook.ph', 'outlook.pk', 'outlook.pt',
    'outlook.ro', 'outlook.sa', 'outlook.sg', 'outlook.si', 'outlook.sk', 'outlook.uy', 'webtv.net',
    'windowslive.com', 'windowslive.es',
  ],
  // Yahoo / AOL / Verizon Media family [S12]. sky.com (S12 also: "Sky") and verizon.net (S12 also: "Verizon")
  // are listed twice in S12; both go to yahoo because Yahoo hosts their mail.
  yahoo: [
    'aim.com', 'aol.at', 'aol.be', 'aol.ch', 'aol.cl', 'aol.co.nz', 'aol.co.uk', 'aol.com', 'aol.com.ar',
    'aol.com.au', 'aol.com.br', 'aol.com.co', 'aol.com.mx', 'aol.com.tr', 'aol.com.ve', 'aol.cz', 'aol.de',
    'aol.dk', 'aol.es', 'aol.fi', 'aol.fr', 'aol.hk', 'aol.in', 'aol.it', 'aol.jp', 'aol.kr', 'aol.nl',
    'aol.pl', 'aol.ru', 'aol.se', 'aol.tw', 'bellatlantic.net', 'citlink.net', 'compuserve.com', 'cs.com',
    'frontier.com', 'frontiernet.net', 'games.com', 'goowy.com', 'gte.net', 'love.com', 'netscape.com',
    'netscape.net', 'rocketmail.com', 'rogers.com', 'sky.com', 'verizon.net', 'verizon.net.in',
    'verizonmedia.it', 'wild4music.com', 'wmconnect.com', 'wow.com', 'y7mail.com', 'yahoo.at', 'yahoo.be',
    'yahoo.bg', 'yahoo.ca', 'yahoo.cl', 'yahoo.co.hu', 'yahoo.co.id', 'yahoo.co.il', 'yahoo.co.in',
    'yahoo.co.kr', 'yahoo.co.nz', 'yahoo.co.th', 'yahoo.co.uk', 'yahoo.co.za', 'yahoo.com', 'yahoo.com.ar',
    'yahoo.com.au', 'yahoo.com.br', 'yahoo.com.co', 'yahoo.com.hk', 'yahoo.com.hr', 'yahoo.com.mx',
    'yahoo.com.my', 'yahoo.com.pe', 'yahoo.com.ph', 'yahoo.com.sg', 'yahoo.com.tr', 'yahoo.com.tw',
    'yahoo.com.ua', 'yahoo.com.ve', 'yahoo.com.vn', 'yahoo.cz', 'yahoo.de', 'yahoo.dk', 'yahoo.ee',
    'yahoo.es', 'yahoo.fi', 'yahoo.fr', 'yahoo.gr', 'yahoo.hu', 'yahoo.ie', 'yahoo.in', 'yahoo.it',
    'yahoo.lt', 'yahoo.lv', 'yahoo.nl', 'yahoo.no', 'yahoo.pl', 'yahoo.pt', 'yahoo.ro', 'yahoo.rs',
    'yahoo.se', 'yahoo.si', 'yahoo.sk', 'yahooxtra.co.nz', 'ygm.com', 'ymail.com',
  ],
  // Yahoo! JAPAN is a separate company with its own MXs (KumoMTA shapes yahoo.co.jp apart from
  // provider "yahoo"); S12 files these three rows under Yahoo. ybb.ne.jp is Yahoo! BB (SoftBank).
  'yahoo-japan': ['yahoo.co.jp', 'yahoo.ne.jp', 'ybb.ne.jp'],
  // Apple iCloud [S12].
  apple: ['icloud.com', 'mac.com', 'me.com'],
  comcast: ['comcast.net'],
  mailcom: ['mail.com'],
  // United Internet: GMX, WEB.DE and 1&1 (S12 "GMX" and "1&1") run on one platform; KumoMTA shapes the
  // .gmx.net and .web.de MXs as one provider. gmx.com, gmx.ch: GMX domains not in S12.
  gmx: ['caramail.com', 'gmx.at', 'gmx.ch', 'gmx.com', 'gmx.de', 'gmx.fr', 'gmx.net', 'online.de', 'web.de'],
  't-online': ['t-online.de'],
  freenet: ['freenet.de'],
  arcor: ['arcor.de'],
  orange: ['orange.fr', 'wanadoo.fr'],
  // Free (incl. the former Alice France and Liberty Surf domains) [S12].
  free: [
    'aliceadsl.fr', 'alicepro.fr', 'free.fr', 'freesbee.fr', 'infonie.fr', 'libertysurf.fr', 'online.fr',
    'worldonline.fr',
  ],
  // SFR / Numericable (incl. Neuf, Club-Internet, Noos, Cegetel) [S12].
  sfr: [
    '9business.fr', '9online.fr', 'cario.fr', 'cegetel.net', 'club-internet.fr', 'fnac.net', 'guideo.fr',
    'mageos.com', 'neuf.fr', 'noos.fr', 'numericable.fr', 'sfr.fr', 'waika9.com',
  ],
  laposte: ['laposte.net'],
  bouygues: ['bbox.fr'],
  // voila.fr: ACTIVE=0 in S12 (marked inactive there); kept so that old bounces still count under Voila.
  voila: ['voila.fr'],
  libero: ['blu.it', 'giallo.it', 'libero.it'],
  // TIM (Telecom Italia) [S12 "Alice"].
  alice: ['alice.it', 'tim.it', 'tin.it', 'virgilio.it'],
  tiscali: ['tiscali.it'],
  emailit: ['email.it'],
  bt: ['bt.com', 'btconnect.com', 'btinternet.com', 'btopenworld.com', 'mybtinternet.com', 'talk21.com'],
  // Virgin Media [S12]. blueyonder.co.uk is filed under "Vodafone" in S12, but it is a Virgin Media
  // (ex-Telewest) address, like ntlworld.com and virgin.net.
  virgin: ['blueyonder.co.uk', 'ntlworld.com', 'virgin.net', 'virginmedia.com'],
  // TalkTalk (incl. ex-Tiscali UK) [S12].
  talktalk: ['talktalk.net', 'tiscali.co.uk'],
  // Vodafone: home.nl (VodafoneZiggo), ono.com (Vodafone Spain) [S12].
  vodafone: ['home.nl', 'ono.com'],
  telenet: ['telenet.be'],
  proximus: ['skynet.be'],
  bluewin: ['bluewin.ch'],
  // KPN (not in S12; KumoMTA groups its .kpnmail.nl MXs).
  kpn: ['hetnet.nl', 'kpnmail.nl', 'planet.nl'],
  o2pl: ['o2.pl'],
  wppl: ['wp.pl'],
  movistar: ['movistar.es', 'telefonica.es'],
  // Mail.ru [S12]; inbox.ru and list.ru are Mail.ru domains not in S12.
  mailru: ['bk.ru', 'inbox.ru', 'list.ru', 'mail.ru'],
  rambler: ['autorambler.ru', 'lenta.ru', 'myrambler.ru', 'r0.ru', 'rambler.ru', 'ro.ru'],
  // facebook.com: ACTIVE=0 in S12 (@facebook.com addresses were retired in 2014); kept for old bounces.
  facebook: ['facebook.com'],
  // Tencent (not in S12).
  qq: ['foxmail.com', 'qq.com'],
  // NetEase (not in S12).
  netease: ['126.com', '163.com', 'yeah.net'],
  // HKT Netvigator (not in S12; KumoMTA groups its .netvigator.com MXs).
  netvigator: ['netvigator.com'],
};

/**
 * MX host suffix → provider id. The longest matching suffix wins, so `.mail.protection.outlook.com`
 * (Office 365 tenants) beats `.outlook.com`.
 */
export const MX_SUFFIXES: ReadonlyArray<readonly [suffix: string, isp: string]> = [
  // [S11] Gmail and Google Workspace share one MX fleet; KumoMTA merges them, so do we.
  ['.google.com', 'gmail'],
  ['.googlemail.com', 'gmail'],
  // [S11] consumer Outlook.com; own domain: the older mx*.hotmail.com hosts (User's Guide §10.17).
  ['.olc.protection.outlook.com', 'microsoft'],
  ['.hotmail.com', 'microsoft'],
  ['.outlook.com', 'microsoft'],
  // [S11] Office 365 / Exchange Online tenants, and their DANE-enabled MXs.
  ['.mail.protection.outlook.com', 'office365'],
  ['.mx.microsoft', 'office365'],
  // [S11] Yahoo, AOL and the domains Yahoo hosts; own domain: AOL's pre-Yahoo MXs.
  ['.yahoodns.net', 'yahoo'],
  ['.mx.aol.com', 'yahoo'],
  // [S11] KumoMTA shapes yahoo.co.jp apart from provider "yahoo"; own domain.
  ['.yahoo.co.jp', 'yahoo-japan'],
  ['.icloud.com', 'apple'],
  // [S11] United Internet (GMX, WEB.DE, 1&1); own domain: gmx.com, mail.com.
  ['.gmx.net', 'gmx'],
  ['.web.de', 'gmx'],
  ['.gmx.com', 'gmx'],
  ['.mail.com', 'mailcom'],
  // [S11] filtering gateways in front of company domains.
  ['.mimecast.com', 'mimecast'],
  ['.mimecast.co.za', 'mimecast'],
  ['.mimecast-offshore.com', 'mimecast'],
  ['.barracudanetworks.com', 'barracuda'],
  // own domain: Proofpoint (hosted) and Proofpoint Essentials MXs.
  ['.pphosted.com', 'proofpoint'],
  ['.ppe-hosted.com', 'proofpoint'],
  // [S11]
  ['.kpnmail.nl', 'kpn'],
  ['.netvigator.com', 'netvigator'],
  ['.qq.com', 'qq'],
  ['.netease.com', 'netease'],
  // own domain (KumoMTA shapes comcast.net and orange.fr by domain).
  ['.comcast.net', 'comcast'],
  ['.orange.fr', 'orange'],
  ['.free.fr', 'free'],
  ['.t-online.de', 't-online'],
  ['.libero.it', 'libero'],
  ['.wp.pl', 'wppl'],
  ['.mail.ru', 'mailru'],
  ['.rambler.ru', 'rambler'],
];

/**
 * Names operators give `<mx-rollup-list>` queues (`NAME.rollup`) → provider id. A NAME that is
 * itself an id (gmx, comcast, orange...) or whose NAME / NAME.com is a known domain is found without
 * an entry here; the common ones are listed anyway. The User's Guide's own `outlook.rollup` example
 * rolls up `*.mail.protection.outlook.com` (Office 365), but operators also use the name for
 * Outlook.com; we take the consumer reading, and a user override of `outlook.rollup` can change it.
 */
export const ROLLUP_ALIASES: Readonly<Record<string, string>> = {
  gmail: 'gmail',
  yahoo: 'yahoo',
  hotmail: 'microsoft',
  outlook: 'microsoft',
  msn: 'microsoft',
  live: 'microsoft',
  windowslive: 'microsoft',
  google: 'gmail',
  googlemail: 'gmail',
  aol: 'yahoo',
  verizon: 'yahoo',
  ymail: 'yahoo',
  office365: 'office365',
  o365: 'office365',
  m365: 'office365',
  microsoft365: 'office365',
  icloud: 'apple',
  web: 'gmx',
  webde: 'gmx',
  wanadoo: 'orange',
  tonline: 't-online',
  btinternet: 'bt',
  virginmedia: 'virgin',
  ntlworld: 'virgin',
  pphosted: 'proofpoint',
};
