/**
 * Cross-check of the SMS codec (and the WSP push it carries) against an independent decoder:
 * Wireshark's `gsm_sms` dissector. Every PDU below is encoded by the project (encodeSmsDeliver,
 * encodeDatagramAsSms), as a bare TPDU (the dissector takes no SMSC prefix). All PDUs go through ONE
 * tshark run, in capture order, so Wireshark reassembles concatenated parts across frames just as our
 * SmsReassembler does; for WAP pushes (port 2948) it then hands the datagram to its WSP dissector.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  buildMskMessage,
  buildMtkMessage,
  buildSolicitedPull,
  decodeSmsDeliver,
  decodeWspPush,
  encodeDatagramAsSms,
  encodeGsm7,
  encodeKeyData,
  encodeMikey,
  encodeSmsDeliver,
  encodeWspPush,
  fromHex,
  macInput,
  MIKEY_ENCR_ALG,
  MIKEY_KEY_TYPE,
  MIKEY_OMA_BCAST_SUBTYPE,
  omaBcastExt,
  SmsReassembler,
  toHex,
  withMac,
  type Datagram,
  type MikeyMessage,
  type SmsDeliver,
  type SmsDeliverInput,
} from '../../../src/codec/index.js';
import { aesCmEncrypt, deriveMikeyKeys, hmacSha1_160 } from '../../../src/crypto/index.js';
import { fieldShow, fieldShows, tsharkDissect, type TsharkField } from '../../helpers/tshark.js';

// ---- What we send: WAP pushes carrying MBMS MIKEY messages, and plain texts/data ----

const det = (label: string, n: number) => createHash('sha256').update(label).digest().subarray(0, n);
const MUK = det('bcastd tshark MUK', 32);
const MSK = det('bcastd tshark MSK', 16);
const NAF_ID = 'bsm.mnc001.mcc001.pub.3gppnetwork.org';
const KDID = fromHex('00f110');
const btid = (rand: Uint8Array) => `${Buffer.from(rand).toString('base64')}@bsf.mnc001.mcc001.pub.3gppnetwork.org`;

function macd(msg: MikeyMessage, authKey: Uint8Array): Uint8Array {
  const raw = encodeMikey(msg);
  return withMac(raw, msg, hmacSha1_160(authKey, macInput(raw, msg)));
}

/** SPEC §2: `<TID> 06 03 D2 AF 93 <MIKEY>` — application/mikey to the BCAST client. */
const ltkmPush = (tid: number, mikey: Uint8Array) =>
  encodeWspPush({ tid, contentType: 'application/mikey', applicationId: 'x-oma-application:bcast.ua', body: mikey });

const rand1 = det('sms rand 1', 16);
const solicitedPull = macd(
  buildSolicitedPull({ csbId: 0x1a2b3c4d, counter: 258, rand: rand1, idi: NAF_ID, idr: btid(rand1), keyDomainId: KDID, keyGroup: 0 }),
  deriveMikeyKeys(MUK, 0x1a2b3c4d, rand1).authKey,
);
const rand2 = det('sms rand 2', 16);
const mskKeys = deriveMikeyKeys(MUK, 0x0badcafe, rand2);
const mskMessage = macd(
  buildMskMessage({
    csbId: 0x0badcafe,
    counter: 259,
    rand: rand2,
    idi: NAF_ID,
    idr: btid(rand2),
    keyDomainId: KDID,
    mskId: { keyGroup: 0x0102, keyNumber: 0x0003 },
    v: true,
    encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
    encryptedKeyData: aesCmEncrypt(mskKeys.encrKey, mskKeys.saltKey, 0x0badcafe, 259, encodeKeyData([{ keyType: MIKEY_KEY_TYPE.TGK, key: MSK, kv: { kvType: 2, vf: fromHex('0001'), vt: fromHex('ffff') } }])),
    extensions: [omaBcastExt(MIKEY_OMA_BCAST_SUBTYPE.LTKM, det('oma bcast ext', 24))],
  }),
  mskKeys.authKey,
);
const mtkKeys = deriveMikeyKeys(MSK, 0x0badcafe, rand2);
const mtkMessage = macd(
  buildMtkMessage({
    csbId: 0x0badcafe,
    counter: 4000,
    keyDomainId: KDID,
    mskId: { keyGroup: 0x0102, keyNumber: 0x0003 },
    mtkId: 0x0042,
    encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
    encryptedKeyData: aesCmEncrypt(mtkKeys.encrKey, mtkKeys.saltKey, 0x0badcafe, 4000, encodeKeyData([{ keyType: MIKEY_KEY_TYPE.TEK_SALT, key: det('mtk', 16), salt: det('mtk salt', 14), kv: { kvType: 0 } }])),
  }),
  mtkKeys.authKey,
);

const BSM = '+447700900123';
const wap = (o: { payload: Uint8Array; reference: number; referenceBits?: 8 | 16; timestamp: string; originator?: string }) =>
  encodeDatagramAsSms({ originator: o.originator ?? BSM, smscPrefix: false, destinationPort: 2948, sourcePort: 9200, payload: o.payload, reference: o.reference, timestamp: o.timestamp, ...(o.referenceBits ? { referenceBits: o.referenceBits } : {}) });

const sms = (m: Omit<SmsDeliverInput, 'smscPrefix'>) => encodeSmsDeliver({ ...m, smscPrefix: false });

/** Splits septets for concatenation (153 per part with an 8-bit reference), never inside an escape. */
function gsm7Parts(text: string, per: number): Uint8Array[] {
  const s = encodeGsm7(text);
  const out: Uint8Array[] = [];
  for (let at = 0; at < s.length; ) {
    let end = Math.min(at + per, s.length);
    if (end < s.length && s[end - 1] === 0x1b) end--;
    out.push(s.subarray(at, end));
    at = end;
  }
  return out;
}

const LONG_GSM7 =
  'Your BCAST subscription {Sports+} is active until 2024-12-31. Price: 4.99€/month. Reply STOP to end it; ' +
  'questions? Call ~ 0800 123 456 or visit [portal] ^help^ | this text is long enough to need two SMS parts.';
const gsm7Split = gsm7Parts(LONG_GSM7, 153);
// 66 UCS2 characters fit a part with a 16-bit reference (140 - 7 header octets).
const LONG_UCS2 = '東京オリンピックの放送鍵が更新されました。ご視聴ありがとうございます。'.repeat(4);
const ucs2Split = [0, 66, 132].map((at) => LONG_UCS2.slice(at, at + 66));

interface Case {
  name: string;
  /** In capture order. */
  pdus: Uint8Array[];
}

const reversed = <T>(a: T[]) => [...a].reverse();

const cases: Case[] = [
  { name: 'GSM 7-bit, international originator with an odd digit count', pdus: [sms({ originator: '+4915123456789', timestamp: '2024-03-31T01:59:59+01:00', text: 'How are you?' })] },
  { name: 'GSM 7-bit extension table, alphanumeric originator', pdus: [sms({ originator: 'sipgate', timestamp: '2023-07-01T12:00:00+02:00', text: 'Price: 5€ [promo] {x} ~^| ok' })] },
  { name: 'GSM 7-bit class 0 (flash), alphanumeric originator', pdus: [sms({ originator: 'Operator', timestamp: '2024-02-29T23:59:59+00:00', messageClass: 0, text: 'Your bundle expires today' })] },
  {
    name: 'GSM 7-bit, national number, TP-SRI/RP/LP set and TP-MMS clear, PID 0x41',
    pdus: [sms({ originator: { address: '0612345', ton: 2, npi: 1 }, timestamp: '2021-11-05T08:15:00-03:30', flags: { mms: false, sri: true, rp: true, lp: true }, pid: 0x41, text: 'replace me' })],
  },
  { name: 'GSM 7-bit with 16-bit application ports', pdus: [sms({ originator: '+33612345678', timestamp: '2024-05-06T07:08:09+02:00', ports: { destination: 16000, source: 16001 }, text: 'port addressed text' })] },
  {
    name: 'GSM 7-bit concatenated, 8-bit reference, 2 parts',
    pdus: gsm7Split.map((userData, i) => sms({ originator: '+4917612345', timestamp: '2024-05-06T07:08:10+02:00', alphabet: 'gsm7', concat: { reference: 0x11, total: gsm7Split.length, sequence: i + 1 }, userData })),
  },
  { name: 'UCS2, Cyrillic, odd-length originator, negative time zone', pdus: [sms({ originator: '+7903701111', timestamp: '2011-03-29T19:20:04-04:45', text: 'Привет, мир! Ключи обновлены.' })] },
  {
    name: 'UCS2 concatenated, 16-bit reference, 3 parts out of order (3, 1, 2)',
    pdus: [2, 0, 1].map((i) => sms({ originator: '+819012345678', timestamp: '2024-08-01T20:00:00+09:00', alphabet: 'ucs2', concat: { reference: 0x5a5b, total: 3, sequence: i + 1, referenceBits: 16 }, text: ucs2Split[i]! })),
  },
  { name: '8-bit data, class 1, no header', pdus: [sms({ originator: '12345', timestamp: '2024-01-02T03:04:05+00:00', alphabet: '8bit', messageClass: 1, userData: det('8bit class 1', 40) })] },
  { name: '8-bit data with 8-bit ports (IE 0x04)', pdus: [sms({ originator: '+3161234567', timestamp: '2024-01-02T03:04:06+00:00', ports: { destination: 200, source: 201, bits: 8 }, userData: det('8bit ports', 20) })] },
  { name: 'WAP push of an MTK message in one SMS', pdus: wap({ payload: ltkmPush(0x21, mtkMessage), reference: 0x01, timestamp: '2024-06-01T10:00:00+02:00' }) },
  { name: 'WAP push of a solicited pull in 2 parts, 8-bit reference', pdus: wap({ payload: ltkmPush(0x01, solicitedPull), reference: 0x5a, timestamp: '2024-06-01T10:00:01+02:00' }) },
  {
    name: 'WAP push of an MSK message (OMA BCAST EXT) with a 16-bit reference, parts in reverse order',
    pdus: reversed(wap({ payload: ltkmPush(0x7f, mskMessage), reference: 0xbeef, referenceBits: 16, timestamp: '2024-06-01T10:00:02+02:00', originator: '+447700900124' })),
  },
];

// ---- Both decoders' views of one frame, in one comparable shape ----

const bytesOf = (show: string) => show.replaceAll(':', '');
const num = (f: TsharkField[], name: string) => {
  const s = fieldShow(f, name);
  return s === undefined ? null : Number(s);
};
const CHARSETS: Record<string, string> = { '0x00': 'gsm7', '0x01': '8bit', '0x02': 'ucs2' };

function wiresharkHeader(f: TsharkField[]) {
  const dst = num(f, 'gsm_sms.destination_port');
  const ref = num(f, 'gsm_sms.udh.mm.msg_id');
  const charset = fieldShow(f, 'gsm_sms.dcs.character_set');
  return {
    mti: num(f, 'gsm_sms.tp-mti'),
    flags: { udhi: num(f, 'gsm_sms.tp-udhi'), mms: num(f, 'gsm_sms.tp-mms'), lp: num(f, 'gsm_sms.tp-lp'), sri: num(f, 'gsm_sms.tp-sri'), rp: num(f, 'gsm_sms.tp-rp') },
    originator: { digits: fieldShow(f, 'gsm_sms.tp-oa'), ton: num(f, 'gsm_sms.dis_field_addr.num_type'), npi: num(f, 'gsm_sms.dis_field_addr.num_plan') },
    pid: num(f, 'gsm_sms.tp-pid'),
    dcs: num(f, 'gsm_sms.tp-dcs'),
    // DCS 0x00 is shown as the "special case" GSM 7-bit default alphabet with no character set field.
    alphabet: charset !== undefined ? CHARSETS[charset] : fieldShow(f, 'gsm_sms.gsm_7_bit_default_alphabet') !== undefined ? 'gsm7' : undefined,
    messageClass: num(f, 'gsm_sms.dcs.message_class_defined') === 1 ? num(f, 'gsm_sms.dcs.message_class') : null,
    // Wireshark shows the time zone as its quarter-hour count without the sign (the sign is only in
    // the display text, which the PDML helper does not return).
    scts: ['year', 'month', 'day', 'hour', 'minutes', 'seconds', 'timezone'].map((k) => num(f, `gsm_sms.scts.${k}`)),
    udl: num(f, 'gsm_sms.tp.user_data_length'),
    udhl: num(f, 'gsm_sms.dis_field_udh.user_data_header_length'),
    ieis: fieldShows(f, 'gsm_sms.ie_identifier').map((s) => parseInt(s, 16)),
    ports: dst === null ? null : { destination: dst, source: num(f, 'gsm_sms.originator_port') },
    concat: ref === null ? null : { reference: ref, total: num(f, 'gsm_sms.udh.mm.msg_parts'), sequence: num(f, 'gsm_sms.udh.mm.msg_part') },
  };
}

function ourHeader(d: SmsDeliver): ReturnType<typeof wiresharkHeader> {
  const ts = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-]\d\d:\d\d|Z)$/.exec(d.timestamp);
  assert.ok(ts, `timestamp ${d.timestamp}`);
  const bit = (b: boolean) => (b ? 1 : 0);
  return {
    mti: d.firstOctet & 0x03,
    flags: { udhi: bit(d.flags.udhi), mms: bit(d.flags.mms), lp: bit(d.flags.lp), sri: bit(d.flags.sri), rp: bit(d.flags.rp) },
    // Wireshark prints the digits without the '+' of an international number.
    originator: { digits: d.originator.ton === 1 ? d.originator.address.replace(/^\+/, '') : d.originator.address, ton: d.originator.ton, npi: d.originator.npi },
    pid: d.pid,
    dcs: d.dcs.value,
    alphabet: d.dcs.alphabet,
    messageClass: d.dcs.messageClass,
    scts: [Number(ts[1]) % 100, ...ts.slice(2, 7).map(Number), Math.abs(d.timestampOffsetMinutes) / 15],
    udl: d.udl,
    udhl: d.flags.udhi ? d.udh.reduce((n, ie) => n + 2 + ie.data.length, 0) : null,
    ieis: d.udh.map((ie) => ie.iei),
    ports: d.ports && { destination: d.ports.destination, source: d.ports.source },
    concat: d.concat && { reference: d.concat.reference, total: d.concat.total, sequence: d.concat.sequence },
  };
}

/** `<Unknown media type identifier 0x52>` → 0x52: Wireshark 4.0's tables predate some OMNA codes. */
function wspValue(show: string | undefined, what: 'media type' | 'WAP application'): { code: number } | { name: string | undefined } {
  const m = new RegExp(`^<Unknown ${what} identifier 0x([0-9a-f]+)>$`).exec(show ?? '');
  return m ? { code: parseInt(m[1]!, 16) } : { name: show };
}

/** Size of HeadersLen's uintvar. */
const uintvarSize = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);

function assertWspPush(f: TsharkField[], datagram: Datagram, label: string): void {
  const ours = decodeWspPush(datagram.userData);
  const ct = wspValue(fieldShow(f, 'wsp.header.content_type'), 'media type');
  const app = wspValue(fieldShow(f, 'wsp.header.x_wap_application_id'), 'WAP application');
  assert.deepEqual(
    {
      tid: parseInt(fieldShow(f, 'wsp.TID') ?? '', 16),
      pduType: parseInt(fieldShow(f, 'wsp.pdu_type') ?? '', 16),
      contentType: ct,
      applicationId: app,
      body: fieldShows(f, 'media.type').map(bytesOf),
    },
    {
      tid: ours.tid,
      pduType: ours.pduType === 'push' ? 0x06 : 0x07,
      // Our decoder names 0x52 application/mikey and 0x13 x-oma-application:bcast.ua; compare codes
      // where Wireshark knows only the code, names where it knows the name.
      contentType: 'code' in ct ? { code: ours.contentTypeCode } : { name: ours.contentType },
      applicationId: 'code' in app ? { code: ours.applicationIdCode } : { name: ours.applicationId },
      body: [toHex(ours.body)],
    },
    label,
  );
  const headersLen = num(f, 'wsp.headers_length')!;
  assert.equal(2 + uintvarSize(headersLen) + headersLen + ours.body.length, datagram.userData.length, `${label}: HeadersLen`);
}

describe('SMS-DELIVER: Wireshark agrees with our decoder on PDUs we encode', () => {
  const packets = cases.flatMap((c) => c.pdus);
  let frames: TsharkField[][] = [];
  /** Per packet: our decoding and what our reassembler made of it, in capture order. */
  const ours: { d: SmsDeliver; datagram: Datagram | null; complete: boolean }[] = [];

  before(async () => {
    frames = await tsharkDissect('gsm_sms', packets);
    const re = new SmsReassembler({ now: () => 0 });
    for (const p of packets) {
      const d = decodeSmsDeliver(p, { smscPrefix: false });
      const r = re.add(d);
      assert.ok(r.kind === 'single' || r.kind === 'complete' || r.kind === 'pending', `reassembler: ${r.kind}`);
      ours.push({ d, datagram: r.kind === 'pending' ? null : r.datagram, complete: r.kind === 'complete' });
    }
  });

  it('tshark dissects one SMS-DELIVER frame per PDU, none malformed', () => {
    assert.equal(frames.length, packets.length);
    for (const f of frames) {
      assert.match(fieldShow(f, 'frame.protocols') ?? '', /^exported_pdu:gsm_sms/);
      assert.deepEqual(f.filter((x) => x.name.startsWith('_ws.malformed') || x.name.startsWith('_ws.expert')), []);
    }
  });

  let first = 0;
  for (const c of cases) {
    const from = first;
    first += c.pdus.length;
    it(c.name, () => {
      for (let k = 0; k < c.pdus.length; k++) {
        const f = frames[from + k]!;
        const { d, datagram, complete } = ours[from + k]!;
        const label = `${c.name}, frame ${k + 1}`;
        assert.deepEqual(wiresharkHeader(f), ourHeader(d), label);

        if (complete) {
          // Wireshark completed its reassembly on the same frame as ours, with the same parts.
          assert.equal(num(f, 'gsm_sms.fragment.count'), datagram!.parts, label);
          if (d.dcs.alphabet !== 'gsm7') assert.equal(num(f, 'gsm_sms.reassembled.length'), datagram!.userData.length, label);
        } else {
          assert.equal(fieldShow(f, 'gsm_sms.reassembled.length'), undefined, `${label}: Wireshark reassembled early`);
        }

        if (datagram && d.ports?.destination === 2948) {
          assertWspPush(f, datagram, label);
        } else if (d.text !== undefined) {
          // On the completing frame Wireshark lists each part's text; elsewhere the frame's own.
          const texts = fieldShows(f, 'gsm_sms.sms_text');
          assert.deepEqual(complete ? texts.join('') : texts, complete ? datagram!.text : [d.text], label);
        } else {
          assert.deepEqual(fieldShows(f, 'gsm_sms.sms_body').map(bytesOf), [toHex(d.userData)], label);
        }
      }
    });
  }
});
