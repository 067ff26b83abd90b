/**
 * Cross-check of the WSP push codec against Wireshark's connectionless WSP dissector (`wsp-cl`),
 * for pushes the project encodes. (sms.test.ts also checks WSP, but only as Wireshark reaches it
 * through SMS reassembly with our standard LTKM headers; here the headers and forms vary.)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeWspPush, encodeWspPush, toHex, type WspPushInput } from '../../../src/codec/index.js';
import { fieldShow, fieldShows, tsharkDissect, type TsharkField } from '../../helpers/tshark.js';

const MIKEY_LIKE = Uint8Array.from({ length: 160 }, (_, i) => (i * 37 + 11) & 0xff);

const cases: { name: string; push: WspPushInput }[] = [
  {
    name: 'LTKM push with the headers a BSM adds (Initiator URI, Content-Length, Date, Push-Flag)',
    push: {
      tid: 0x01,
      contentType: 'application/mikey',
      applicationId: 'x-oma-application:bcast.ua',
      headers: [
        { name: 'X-Wap-Initiator-URI', value: 'http://bsm.operator.example/ltkm' },
        { name: 'Content-Length', value: String(MIKEY_LIKE.length) },
        { name: 'Date', value: '2024-06-01T10:00:00Z' },
        { name: 'Push-Flag', value: '3' },
      ],
      body: MIKEY_LIKE,
    },
  },
  {
    name: 'confirmed push, text content type with a charset parameter, text application id, application header',
    push: {
      tid: 0x02,
      pduType: 'confirmed-push',
      contentType: 'application/vnd.oma.bcast.smartcard-trigger+xml',
      contentTypeParams: { charset: 'utf-8' },
      applicationId: 'x-operator-application:bcast.portal',
      headers: [{ name: 'X-Bcast-Trace', value: 'purchase-4711' }],
      body: new TextEncoder().encode('<SmartcardProfileTrigger/>'),
    },
  },
  {
    name: 'HeadersLen >= 128 (two-octet uintvar)',
    push: {
      tid: 0xff,
      contentType: 'application/mikey',
      applicationId: 0x13,
      headers: [{ name: 'X-Wap-Initiator-URI', value: `http://bsm.operator.example/${'k'.repeat(150)}` }],
      body: MIKEY_LIKE.subarray(0, 40),
    },
  },
];

/** `<Unknown media type identifier 0x52>` → {code: 0x52}: Wireshark 4.0's tables predate some OMNA codes. */
function wsValue(show: string | undefined, what: string): { code: number } | { name: string | undefined } {
  const m = new RegExp(`^<Unknown ${what} identifier 0x([0-9a-f]+)>$`).exec(show ?? '');
  return m ? { code: parseInt(m[1]!, 16) } : { name: show };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Jun  1, 2024 10:00:00 UTC` → ISO 8601, as our decoder shows a Date header. */
function wsDate(show: string): string {
  const m = /^(\w{3}) +(\d+), (\d{4}) (\d\d):(\d\d):(\d\d) UTC$/.exec(show);
  assert.ok(m, `unexpected date rendering: ${show}`);
  return new Date(Date.UTC(Number(m[3]), MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))).toISOString().replace('.000Z', 'Z');
}

/** Our header values as Wireshark renders each well-known header we send; application headers as name=value. */
function wiresharkHeaders(f: TsharkField[]): string[] {
  const out: string[] = [];
  for (const [i, x] of f.entries()) {
    if (x.name === 'wsp.header.x_wap_application_id') continue; // compared on its own
    if (x.name === 'wsp.header.initiator_uri') out.push(`X-Wap-Initiator-URI=${x.show}`);
    else if (x.name === 'wsp.header.content_length') out.push(`Content-Length=${x.show}`);
    else if (x.name === 'wsp.header.date') out.push(`Date=${wsDate(x.show)}`);
    else if (x.name === 'wsp.header.push_flag') {
      const bit = (n: string) => Number(fieldShow(f.slice(i), `wsp.header.push_flag.${n}`));
      out.push(`Push-Flag=${bit('authenticated') | (bit('trusted') << 1) | (bit('last') << 2)}`);
    } else if (x.name === 'wsp.header_text_value') out.push(`${fieldShow(f.slice(i), 'wsp.header.name_string')}=${x.show}`);
  }
  return out;
}

describe('WSP push: Wireshark (wsp-cl) agrees with our decoder on pushes we encode', () => {
  const raws = cases.map((c) => encodeWspPush(c.push));
  let frames: TsharkField[][] = [];
  before(async () => {
    frames = await tsharkDissect('wsp-cl', raws);
  });

  it('tshark dissects one WSP frame per push, none malformed', () => {
    assert.equal(frames.length, raws.length);
    for (const f of frames) {
      assert.match(fieldShow(f, 'frame.protocols') ?? '', /^exported_pdu:wsp/);
      assert.deepEqual(f.filter((x) => x.name.startsWith('_ws.malformed') || x.name.startsWith('_ws.expert')), []);
    }
  });

  cases.forEach((c, i) => {
    it(c.name, () => {
      const f = frames[i]!;
      const raw = raws[i]!;
      const ours = decodeWspPush(raw);
      const ct = wsValue(fieldShow(f, 'wsp.header.content_type'), 'media type');
      const app = wsValue(fieldShow(f, 'wsp.header.x_wap_application_id'), 'WAP application');
      const headersLen = Number(fieldShow(f, 'wsp.headers_length'));
      const bodyAt = 2 + (headersLen < 0x80 ? 1 : 2) + headersLen;
      assert.deepEqual(
        {
          tid: parseInt(fieldShow(f, 'wsp.TID') ?? '', 16),
          pduType: parseInt(fieldShow(f, 'wsp.pdu_type') ?? '', 16),
          contentType: ct,
          // Wireshark upper-cases the charset name.
          charset: fieldShow(f, 'wsp.parameter.charset')?.toLowerCase(),
          applicationId: app,
          headers: wiresharkHeaders(f),
          body: toHex(raw.subarray(bodyAt)),
        },
        {
          tid: ours.tid,
          pduType: ours.pduType === 'push' ? 0x06 : 0x07,
          contentType: 'code' in ct ? { code: ours.contentTypeCode } : { name: ours.contentType },
          charset: ours.contentTypeParams['charset'],
          applicationId: 'code' in app ? { code: ours.applicationIdCode } : { name: ours.applicationId },
          headers: ours.headers.filter((h) => h.name !== 'X-Wap-Application-Id').map((h) => `${h.name}=${h.value}`),
          body: toHex(ours.body),
        },
      );
      // The body as Wireshark hands it on: opaque bytes for application/mikey, XML text for the trigger.
      const media = fieldShows(f, 'media.type');
      if (media.length > 0) assert.deepEqual(media.map((s) => s.replaceAll(':', '')), [toHex(ours.body)]);
      else assert.equal(fieldShow(f, 'xml.tag'), new TextDecoder().decode(ours.body));
    });
  });
});
