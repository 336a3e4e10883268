import { describe, expect, it } from 'vitest';
import { makeClock } from '../../bench/gen/clock.js';
import { Rng } from '../../bench/gen/prng.js';
import { APPLE, COMCAST, GMX, ISP, ORANGE, SELF_HOSTED } from '../../bench/gen/replies-other.js';
import { EXCHANGE_ONLINE, GOOGLE, OUTLOOK, YAHOO } from '../../bench/gen/replies-big.js';
import type { ReplyCtx, ReplySet } from '../../bench/gen/reply.js';
import { DiagMasker, diagTemplate } from '../../src/classify/diag.js';

/**
 * Provider texts in the shapes the providers publish (Google's SMTP error reference, Microsoft's
 * EOP NDR pages, Yahoo's error-codes page, GMX/WEB.DE and Orange postmaster pages), with the
 * variable parts as they vary in real logs; addresses from the documentation ranges.
 */
const CASES: readonly (readonly [provider: string, text: string, template: string])[] = [
  [
    'Gmail rate limit (IP padded in brackets, transaction id)',
    'smtp;421 4.7.28 [203.0.113.14      15] Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. d2e1a72fcca58-7b9d3e2d1f0si1234567abc.123 - gsmtp',
    'smtp;421 4.7.28 [{ip} {n}] Gmail has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. For more information, go to https://support.google.com/mail/?{query} to review our Bulk Email Senders Guidelines. {id} - gsmtp',
  ],
  [
    'Gmail multi-line 550 5.1.1 flattened with continuation prefixes',
    "smtp;550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/answer/6596 s142si14934335lfe.256 - gsmtp",
    "smtp;550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 https://support.google.com/mail/answer/6596 {id} - gsmtp",
  ],
  [
    'Gmail acceptance',
    'smtp;250 2.0.0 OK  1795863834 5b1f17b1804b1-d8b91f7fcc3si3817802ga8.88 - gsmtp',
    'smtp;250 2.0.0 OK {id} {id} - gsmtp',
  ],
  [
    'Microsoft block list (front-end host, UTC stamp, hex id)',
    "smtp;550 5.7.1 Unfortunately, messages from [203.0.113.43] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [SA2PEPF0000900.eop-nam05.prod.protection.outlook.com 2026-11-28T17:12:46.301Z EB9D8EE89731B7C2]",
    "smtp;550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [*.*.prod.protection.outlook.com {n} {id}]",
  ],
  [
    'Microsoft acceptance (Message-ID, internal id, transfer statistics)',
    'smtp;250 2.6.0 <1795863834.1b0903ab1122@mail.example-sender.com> [InternalId=0334936316968, Hostname=PH7P218MB7228.namprd18.prod.outlook.com] 7609 bytes in 0.065, 114.318 KB/sec Queued mail for delivery',
    'smtp;250 2.6.0 <{email}> [InternalId={id}, Hostname=*.*.prod.outlook.com] {n} bytes in {n}, {n} KB/sec Queued mail for delivery',
  ],
  [
    'Exchange Online mailbox full (diagnostic data with a hex id)',
    'smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0f1e2d3c4b5a69788796a5b4c3d2e1f0[EndDiagnosticData]',
    'smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group ({id})/cn=Recipients/cn={id}[EndDiagnosticData]',
  ],
  [
    'Yahoo volume deferral (reason code TSS04 kept)',
    'smtp;421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    'smtp;421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints - {ip}; see https://postmaster.yahooinc.com/error-codes',
  ],
  [
    'Yahoo unknown user (address, MTA host with numbered labels)',
    "smtp;554 delivery error: dd This user doesn't have a yahoo.com account (anna.k1973@yahoo.com) [0] - mta4012.mail.gq1.yahoo.com",
    "smtp;554 delivery error: dd This user doesn't have a yahoo.com account ({email}) [{n}] - *.mail.*.yahoo.com",
  ],
  [
    'GMX policy deferral (server id, case URL whose query holds the IP)',
    'smtp;421 gmx.net (mxgmx017) Nemesis ESMTP Service not available Requested action aborted: try again later. Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?c=r0601&i=ip&v=203.0.113.80&r=1AbCdE-1FgHiJkLmNo-00Pq',
    'smtp;421 gmx.net ({id}) Nemesis ESMTP Service not available Requested action aborted: try again later. Reject due to policy restrictions. For explanation visit https://postmaster.gmx.net/en/case?{query}',
  ],
  [
    'Orange refusal (front-end name, OFR code kept)',
    'smtp;421 4.7.1 mwinf5c27 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR004_104 [104]',
    'smtp;421 4.7.1 {id} ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR004_104 [{n}]',
  ],
  [
    'Orange acceptance (letters-only random id)',
    'smtp;250 2.0.0 mwinf6d23 with ME id XyZaBcDeFgHiJkLm queued',
    'smtp;250 2.0.0 {id} with ME id {id} queued',
  ],
  ['Postfix queue id', 'smtp;250 2.0.0 Ok: queued as 4QCveWV6gHUEG8m', 'smtp;250 2.0.0 Ok: queued as {id}'],
  [
    'IPv6 addresses, bracketed and with the IPv6: prefix',
    'smtp;550 5.7.1 Client host [2a00:1450:4864:20::1b] blocked using IPv6:2001:db8::5 (see 17:12:46)',
    'smtp;550 5.7.1 Client host [{ip}] blocked using IPv6:{ip} (see {n})',
  ],
  [
    'Comcast (host labels with digits, URL fragment kept)',
    'smtp;554 5.7.1 resimta-po-23v.sys.comcast.net comcast 203.0.113.80 found on one or more DNSBLs, see https://www.xfinity.com/smtp-error-codes.php#BL000010',
    'smtp;554 5.7.1 *.sys.comcast.net comcast {ip} found on one or more DNSBLs, see https://www.xfinity.com/smtp-error-codes.php#BL000010',
  ],
];

describe('diag templates: masking rules on provider texts', () => {
  it.each(CASES)('%s', (_name, text, template) => {
    expect(diagTemplate(text)).toBe(template);
  });

  it('keeps words, reason codes and enhanced status codes; collapses white space', () => {
    expect(diagTemplate('  smtp;451   4.7.500 Server busy.\tPlease try again later (S77714) [S3150] AS(1410) [CS01]  ')).toBe(
      'smtp;451 4.7.500 Server busy. Please try again later (S77714) [S3150] AS({n}) [CS01]',
    );
    expect(diagTemplate('')).toBe('');
    expect(diagTemplate('smtp;')).toBe('smtp;');
  });

  it('keeps UTF-8 text and masks only what varies', () => {
    expect(diagTemplate('smtp;550 5.1.1 <jürgen@bücher.de>: Empfänger unbekannt, Référence 12345')).toBe(
      'smtp;550 5.1.1 <{email}>: Empfänger unbekannt, Référence {n}',
    );
  });

  it('caps a template at 1,024 bytes, on a character boundary', () => {
    const long = `smtp;550 ${'é'.repeat(2000)}`;
    const t = diagTemplate(long);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(1024 + 3);
    expect(t.endsWith('…')).toBe(true);
    expect(t).not.toContain('\ufffd');
  });

  it('unquotes a CSV cell before masking (the byte path the classifier uses)', () => {
    const m = new DiagMasker();
    const cell = Buffer.from('"smtp;550 5.1.1 no such local recipient: <a@b.example> in ""RCPT TO:<a@b.example>"""');
    const n = m.maskCell(cell, 0, cell.length);
    expect(Buffer.from(m.out.subarray(0, n)).toString()).toBe('smtp;550 5.1.1 no such local recipient: <{email}> in "RCPT TO:<{email}>"');
  });

  it('is the same function as a string and as bytes, and cached per text', () => {
    const text = CASES[0][1];
    expect(diagTemplate(text)).toBe(diagTemplate(`${text}`));
    const m = new DiagMasker();
    const b = Buffer.from(text);
    expect(Buffer.from(m.out.subarray(0, m.mask(b, 0, b.length))).toString()).toBe(CASES[0][2]);
  });
});

/** The generator's reply templates, with everything that varies in real logs drawn at random. */
describe('diag templates: thousands of texts collapse into their reasons', () => {
  const sets: Record<string, ReplySet> = { GOOGLE, OUTLOOK, EXCHANGE_ONLINE, YAHOO, APPLE, COMCAST, GMX, ORANGE, ISP, SELF_HOSTED };

  function contexts(n: number): ReplyCtx[] {
    const rng = new Rng(7);
    const clock = makeClock('2026-11-28', '-0500');
    return Array.from({ length: n }, () => ({
      rng,
      clock,
      rcpt: `user${rng.range(1, 99999)}.${rng.hex(3)}@example.com`,
      domain: 'example.com',
      srcIp: `203.0.113.${rng.range(1, 254)}`,
      epoch: 1795800000 + rng.int(86400),
      size: rng.range(2000, 90000),
      msgIdHost: 'mail.example-sender.com',
    }));
  }

  it.each(Object.keys(sets))('%s: one template per reply (two for the acceptance with and without statistics)', (name) => {
    const set = sets[name];
    const ctxs = contexts(200);
    for (const kind of ['ok', 'defer', 'hard', 'soft', 'queue', 'remote'] as const) {
      const w = set[kind];
      if (w === null) continue;
      for (const r of w.items) {
        const raw = new Set<string>();
        const templates = new Set<string>();
        for (const c of ctxs) {
          const text = `smtp;${r.text(c)}`;
          raw.add(text);
          templates.add(diagTemplate(text));
        }
        const shapes = name === 'OUTLOOK' || name === 'EXCHANGE_ONLINE' ? (kind === 'ok' ? 2 : 1) : 1;
        expect(templates.size, `${name}.${kind}: ${[...templates].join('\n')}`).toBe(shapes);
        if (raw.size > 1) expect(raw.size).toBeGreaterThan(templates.size);
      }
    }
  });
});

describe('diag templates: ids made of letters only', () => {
  it('keeps CamelCase words and masks random letter ids', () => {
    for (const w of [
      'QuotaExceededException',
      'MapiExceptionShutoffQuotaExceeded',
      'RecipientNotFound',
      'ExchangeLabs',
      'BeginDiagnosticData',
      'InternalId',
      'ServiceUnavailable',
      'Unfortunately',
      'STOREDRV',
      'Greylisted',
    ]) {
      expect(diagTemplate(`x ${w}`)).toBe(`x ${w}`);
    }
    for (const id of ['XyZaBcDeFgHiJkLm', 'ozhuCIUgokaqeBnB', 'kqQyzlZIZIAYkqqb', 'lsppdcAPJAIiMHfj', 'aNPKEoDEBLZnSWTA']) {
      expect(diagTemplate(`x ${id}`)).toBe('x {id}');
    }
  });

  it('masks nearly all random 16-letter ids (seeded; the rest split a template, they do not merge two)', () => {
    const rng = new Rng(11);
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let kept = 0;
    for (let i = 0; i < 5000; i++) {
      let id = '';
      for (let k = 0; k < 16; k++) id += letters[rng.int(52)];
      if (diagTemplate(`x ${id}`) !== 'x {id}') kept++;
    }
    expect(kept).toBeLessThan(25);
  });
});
