import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ISP_NAMES, MX_SUFFIXES, PROVIDER_DOMAINS, ROLLUP_ALIASES } from '../../src/classify/isp-data.js';
import { createIspMap } from '../../src/classify/isp-map.js';

const CSV = new URL('../fixtures/ref/badsender-EmailDestinations.csv', import.meta.url);

/** The id chosen for each DESTINATION of the CSV. */
const ID_OF_DESTINATION: Readonly<Record<string, string>> = {
  '1&1': 'gmx',
  Alice: 'alice',
  Apple: 'apple',
  Arcor: 'arcor',
  BT: 'bt',
  Bluewin: 'bluewin',
  Bouygues: 'bouygues',
  Comcast: 'comcast',
  EmailIT: 'emailit',
  FREE: 'free',
  Facebook: 'facebook',
  Freenet: 'freenet',
  GMX: 'gmx',
  Google: 'gmail',
  Laposte: 'laposte',
  Libero: 'libero',
  'Mail.ru': 'mailru',
  MailCOM: 'mailcom',
  Microsoft: 'microsoft',
  Movistar: 'movistar',
  O2: 'o2pl',
  Orange: 'orange',
  Proximus: 'proximus',
  Rambler: 'rambler',
  SFR: 'sfr',
  Sky: 'yahoo',
  'T-online': 't-online',
  TalkTalk: 'talktalk',
  Telenet: 'telenet',
  Tiscali: 'tiscali',
  Verizon: 'yahoo',
  Virgin: 'virgin',
  Vodafone: 'vodafone',
  Voila: 'voila',
  WPPL: 'wppl',
  Yahoo: 'yahoo',
};
/** Rows deliberately placed apart from their DESTINATION (see the comments in isp-data.ts). */
const ID_OF_DOMAIN: Readonly<Record<string, string>> = {
  'yahoo.co.jp': 'yahoo-japan',
  'yahoo.ne.jp': 'yahoo-japan',
  'ybb.ne.jp': 'yahoo-japan',
  'blueyonder.co.uk': 'virgin',
};

interface Row {
  readonly destination: string;
  readonly domain: string;
  readonly active: string;
}

function csvRows(): Row[] {
  const cells = parse(readFileSync(CSV, 'utf8'), { from_line: 2, skip_empty_lines: true });
  return cells.map(([, destination, domain, active]) => ({ destination, domain, active }));
}

describe('Badsender-com/EmailDestinations rows', () => {
  const rows = csvRows();
  const isps = createIspMap();

  it('has the 379 rows of the reference copy', () => {
    expect(rows).toHaveLength(379);
  });

  it('maps every ACTIVE=1 row to the id chosen for it', () => {
    const active = rows.filter((r) => r.active === '1');
    expect(active).toHaveLength(377);
    const wrong = active
      .map((r) => ({ ...r, want: ID_OF_DOMAIN[r.domain] ?? ID_OF_DESTINATION[r.destination] }))
      .filter((r) => r.want === undefined || isps.ispOfDomain(r.domain) !== r.want);
    expect(wrong).toEqual([]);
  });

  it('keeps the two ACTIVE=0 rows (facebook.com, voila.fr) under their providers', () => {
    const inactive = rows.filter((r) => r.active !== '1').map((r) => [r.domain, isps.ispOfDomain(r.domain)]);
    expect(inactive).toEqual([
      ['facebook.com', 'facebook'],
      ['voila.fr', 'voila'],
    ]);
  });

  it('settles the duplicated rows (sky.com, verizon.net) in favour of yahoo', () => {
    expect(rows.filter((r) => r.domain === 'sky.com')).toHaveLength(2);
    expect(isps.ispOfDomain('sky.com')).toBe('yahoo');
    expect(isps.ispOfDomain('verizon.net')).toBe('yahoo');
  });
});

describe('built-in data', () => {
  const ids = new Set(Object.keys(ISP_NAMES));

  it('uses only ids that have a display name', () => {
    const used = [...Object.keys(PROVIDER_DOMAINS), ...MX_SUFFIXES.map(([, id]) => id), ...Object.values(ROLLUP_ALIASES)];
    expect(used.filter((id) => !ids.has(id))).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    expect(ISP_NAMES.other).toBe('Other');
  });

  it('lists each domain once, lowercase and sorted within its provider', () => {
    const all = Object.values(PROVIDER_DOMAINS).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const list of Object.values(PROVIDER_DOMAINS)) {
      expect([...list].sort()).toEqual(list);
      for (const d of list) expect(d).toMatch(/^[a-z0-9][a-z0-9.-]*[a-z]$/);
    }
  });

  it('lists each MX suffix once, starting with a dot', () => {
    const suffixes = MX_SUFFIXES.map(([s]) => s);
    expect(new Set(suffixes).size).toBe(suffixes.length);
    for (const s of suffixes) expect(s).toMatch(/^\.[a-z0-9][a-z0-9.-]*[a-z]$/);
  });
});

describe('ispOfDomain', () => {
  const isps = createIspMap();

  it('maps well-known domains', () => {
    expect(isps.ispOfDomain('gmail.com')).toBe('gmail');
    expect(isps.ispOfDomain('googlemail.com')).toBe('gmail');
    expect(isps.ispOfDomain('aol.co.uk')).toBe('yahoo');
    expect(isps.ispOfDomain('ymail.com')).toBe('yahoo');
    expect(isps.ispOfDomain('web.de')).toBe('gmx');
    expect(isps.ispOfDomain('online.de')).toBe('gmx');
    expect(isps.ispOfDomain('caramail.com')).toBe('gmx');
    expect(isps.ispOfDomain('hotmail.co.uk')).toBe('microsoft');
    expect(isps.ispOfDomain('icloud.com')).toBe('apple');
    expect(isps.ispOfDomain('wanadoo.fr')).toBe('orange');
    expect(isps.ispOfDomain('virgilio.it')).toBe('alice');
  });

  it('returns undefined for unknown domains, including subdomains of known ones', () => {
    expect(isps.ispOfDomain('example.com')).toBeUndefined();
    expect(isps.ispOfDomain('mail.gmail.com')).toBeUndefined();
    expect(isps.ispOfDomain('')).toBeUndefined();
  });

  it('tolerates upper case and a trailing dot', () => {
    expect(isps.ispOfDomain('GMail.COM')).toBe('gmail');
    expect(isps.ispOfDomain('gmail.com.')).toBe('gmail');
  });

  it('maps PowerMTA rollup queue names', () => {
    expect(isps.ispOfDomain('yahoo.rollup')).toBe('yahoo');
    expect(isps.ispOfDomain('hotmail.rollup')).toBe('microsoft');
    expect(isps.ispOfDomain('outlook.rollup')).toBe('microsoft');
    expect(isps.ispOfDomain('aol.rollup')).toBe('yahoo');
    expect(isps.ispOfDomain('google.rollup')).toBe('gmail');
    expect(isps.ispOfDomain('office365.rollup')).toBe('office365');
    expect(isps.ispOfDomain('gmx.rollup')).toBe('gmx'); // an id
    expect(isps.ispOfDomain('mail.ru.rollup')).toBe('mailru'); // NAME is a domain
    expect(isps.ispOfDomain('btinternet.rollup')).toBe('bt'); // NAME.com is a domain
    expect(isps.ispOfDomain('secureserver.net.rollup')).toBe('secureserver.net');
    expect(isps.ispOfDomain('MyPool.rollup')).toBe('mypool');
    expect(isps.ispOfDomain('.rollup')).toBeUndefined();
  });
});

describe('ispOfMx', () => {
  const isps = createIspMap();

  it('maps dsnMta values by MX suffix', () => {
    expect(isps.ispOfMx('gmail-smtp-in.l.google.com (64.233.161.27)')).toBe('gmail');
    expect(isps.ispOfMx('aspmx2.googlemail.com')).toBe('gmail');
    expect(isps.ispOfMx('example-com.mail.protection.outlook.com (1.2.3.4)')).toBe('office365');
    expect(isps.ispOfMx('example-com.j-v1.mx.microsoft (1.2.3.4)')).toBe('office365');
    expect(isps.ispOfMx('hotmail-com.olc.protection.outlook.com (52.101.1.1)')).toBe('microsoft');
    expect(isps.ispOfMx('mx1.hotmail.com')).toBe('microsoft');
    expect(isps.ispOfMx('mta7.am0.yahoodns.net (66.196.118.35)')).toBe('yahoo');
    expect(isps.ispOfMx('mx01.mail.icloud.com (17.57.154.6)')).toBe('apple');
    expect(isps.ispOfMx('mx-ha02.web.de (212.227.17.8)')).toBe('gmx');
    expect(isps.ispOfMx('mx00.emig.gmx.net')).toBe('gmx');
    expect(isps.ispOfMx('eu-smtp-inbound-1.mimecast.com (91.220.42.1)')).toBe('mimecast');
    expect(isps.ispOfMx('mx0a-00123401.pphosted.com (1.2.3.4)')).toBe('proofpoint');
    expect(isps.ispOfMx('d12345.a.ess.barracudanetworks.com')).toBe('barracuda');
    expect(isps.ispOfMx('mx3.qq.com')).toBe('qq');
    expect(isps.ispOfMx('163mx01.mxmail.netease.com')).toBe('netease');
    expect(isps.ispOfMx('mx1a1.comcast.net')).toBe('comcast');
    expect(isps.ispOfMx('smtp-in.orange.fr')).toBe('orange');
  });

  it('is case-insensitive and tolerates a trailing dot, brackets and spaces', () => {
    expect(isps.ispOfMx('GMAIL-SMTP-IN.L.GOOGLE.COM (64.233.161.27)')).toBe('gmail');
    expect(isps.ispOfMx('gmail-smtp-in.l.google.com.')).toBe('gmail');
    expect(isps.ispOfMx('gmail-smtp-in.l.google.com. (64.233.161.27)')).toBe('gmail');
    expect(isps.ispOfMx('  mta7.am0.yahoodns.net')).toBe('yahoo');
    expect(isps.ispOfMx('web.de')).toBe('gmx'); // the suffix's own host
  });

  it('matches whole labels only and returns undefined when nothing matches', () => {
    expect(isps.ispOfMx('notgoogle.com')).toBeUndefined();
    expect(isps.ispOfMx('mx.example.com (192.0.2.1)')).toBeUndefined();
    expect(isps.ispOfMx('[192.0.2.1]')).toBeUndefined();
    expect(isps.ispOfMx('(192.0.2.1)')).toBeUndefined();
    expect(isps.ispOfMx('')).toBeUndefined();
  });
});

describe('overrides', () => {
  it('win over built-in domains and suffixes, and add ids with names', () => {
    const isps = createIspMap({
      domains: { 'gmail.com': 'corp', 'Example.COM': 'corp', 'bücher.de': 'buecher', 'outlook.rollup': 'office365' },
      mxSuffixes: { '.google.com': 'workspace', '.l.google.com': 'gmail', '.MX.Example.Net.': 'corp' },
      names: { corp: 'Corp Mail', gmail: 'Google Mail' },
    });
    expect(isps.ispOfDomain('gmail.com')).toBe('corp');
    expect(isps.ispOfDomain('googlemail.com')).toBe('gmail');
    expect(isps.ispOfDomain('example.com')).toBe('corp');
    expect(isps.ispOfDomain('bücher.de')).toBe('buecher');
    expect(isps.ispOfDomain('xn--bcher-kva.de')).toBe('buecher');
    expect(isps.ispOfDomain('outlook.rollup')).toBe('office365');
    expect(isps.ispOfDomain('corp.rollup')).toBe('corp');
    expect(isps.ispOfMx('aspmx.google.com')).toBe('workspace');
    expect(isps.ispOfMx('gmail-smtp-in.l.google.com (64.233.161.27)')).toBe('gmail'); // longest suffix
    expect(isps.ispOfMx('in1.mx.example.net')).toBe('corp');
    expect(isps.displayName('corp')).toBe('Corp Mail');
    expect(isps.displayName('gmail')).toBe('Google Mail');
  });

  it('do not leak into other maps', () => {
    createIspMap({ domains: { 'gmail.com': 'corp' } });
    expect(createIspMap().ispOfDomain('gmail.com')).toBe('gmail');
  });

  it('are validated, naming the offending key', () => {
    expect(() => createIspMap({ domains: { 'x.com': 'Gmail' } })).toThrow(/"x\.com".*"Gmail"/);
    expect(() => createIspMap({ domains: { 'x.com': '-gmail' } })).toThrow(/"-gmail"/);
    expect(() => createIspMap({ domains: { 'not a domain': 'corp' } })).toThrow(/"not a domain"/);
    expect(() => createIspMap({ domains: { 'a@b.com': 'corp' } })).toThrow(/"a@b\.com"/);
    expect(() => createIspMap({ mxSuffixes: { 'google.com': 'gmail' } })).toThrow(/"google\.com".*must start with "\."/);
    expect(() => createIspMap({ mxSuffixes: { '.': 'gmail' } })).toThrow(/"\."/);
    expect(() => createIspMap({ mxSuffixes: { '.x.com': 'X' } })).toThrow(/"\.x\.com"/);
    expect(() => createIspMap({ names: { 'My ISP': 'Mine' } })).toThrow(/"My ISP"/);
    expect(() => createIspMap({ names: { mine: ' ' } })).toThrow(/"mine"/);
    expect(() => createIspMap({ domains: { 'x.com': 'corp' } })).not.toThrow();
  });
});

describe('displayName', () => {
  const isps = createIspMap();

  it('names built-in ids and passes unknown ones through', () => {
    expect(isps.displayName('gmail')).toBe('Gmail');
    expect(isps.displayName('microsoft')).toBe('Microsoft');
    expect(isps.displayName('yahoo')).toBe('Yahoo');
    expect(isps.displayName('gmx')).toBe('GMX / WEB.DE');
    expect(isps.displayName('office365')).toBe('Office 365');
    expect(isps.displayName('other')).toBe('Other');
    expect(isps.displayName('secureserver.net')).toBe('secureserver.net');
  });
});
