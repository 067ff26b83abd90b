/**
 * What the SIMULATED NETWORK really sends, checked by Wireshark: the BSM's solicited pull over SMS (through the
 * push proxy + SMSC of src/sim/network/wap-push-sms.ts) is an SMS-DELIVER to port 2948 carrying a WSP push of
 * application/mikey, and its MIKEY messages (the pull, and a pushed LTKM over UDP) have the header and payload
 * lengths the MBMS layout asks for (SPEC §1-§3).
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { decodeSmsDeliver, decodeWspPush, SmsReassembler } from '../../../src/codec/index.js';
import { WapPushSmsGateway } from '../../../src/sim/network/wap-push-sms.js';
import { fieldShow, fieldShows, tsharkDissect } from '../../helpers/tshark.js';
import { SUBSCRIBER, startWorld } from '../network/world.js';

const bareTpdu = (pdu: Uint8Array) => pdu.subarray(1 + pdu[0]!);

test('the simulator\'s solicited pull by SMS and its UDP LTKM, as Wireshark reads them', async (t) => {
  const pushes: Uint8Array[] = [];
  const w = await startWorld({ gbaU: true, smsSink: { deliverWapPush: async (p) => void pushes.push(Uint8Array.from(p)) } });
  t.after(() => w.close());

  // The LTKM push goes to a socket of ours, so we hold the datagram the BSM really sent.
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  t.after(() => udp.close());
  const datagrams: Buffer[] = [];
  udp.on('message', (m) => datagrams.push(m));
  await w.gba.bootstrap();
  w.net.bsm.terminalLtkmPort = udp.address().port;
  await w.bsm.register(['urn:svc:news']);
  const deadline = Date.now() + 5000;
  while (datagrams.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(datagrams.length > 0, 'the BSM pushed an LTKM after the registration');

  await w.net.bsm.solicitedPull(SUBSCRIBER.imsi, 0, 'sms');
  assert.equal(pushes.length, 1);
  const pdus = new WapPushSmsGateway().encode(pushes[0]!);
  assert.ok(pdus.length >= 2, 'a pull with IDi/IDr does not fit one SMS (SPEC §1)');

  // Our own reading, to compare with.
  const reassembler = new SmsReassembler();
  let datagram;
  for (const p of pdus) {
    const r = reassembler.add(decodeSmsDeliver(p));
    if (r.kind === 'complete') datagram = r.datagram;
  }
  assert.ok(datagram);
  const push = decodeWspPush(datagram.userData);

  const frames = await tsharkDissect('gsm_sms', pdus.map(bareTpdu));
  for (const f of frames) {
    assert.equal(fieldShow(f, 'gsm_sms.tp-mti'), '0', 'SMS-DELIVER');
    assert.equal(fieldShow(f, 'gsm_sms.destination_port'), '2948');
    assert.equal(fieldShow(f, 'gsm_sms.originator_port'), '9200');
    assert.equal(fieldShow(f, 'gsm_sms.udh.mm.msg_parts'), String(pdus.length));
  }
  const last = frames[frames.length - 1]!;
  assert.equal(fieldShow(last, 'wsp.pdu_type'), '0x06', 'a WSP Push');
  assert.match(fieldShow(last, 'wsp.header.content_type') ?? '', /0x52|application\/mikey/);
  assert.match(fieldShow(last, 'wsp.header.x_wap_application_id') ?? '', /0x13|bcast/);
  assert.deepEqual(fieldShows(last, 'media.type').map((s) => s.replace(/:/g, '')), [Buffer.from(push.body).toString('hex')]);

  // The MIKEY messages: the pull (from the SMS) and the LTKM (from UDP).
  const [pull, ltkm] = await tsharkDissect('mikey', [push.body, datagrams[0]!]);
  for (const [name, f] of [['pull', pull!], ['ltkm', ltkm!]] as const) {
    assert.equal(fieldShow(f, 'mikey.version'), '1', name);
    assert.equal(fieldShow(f, 'mikey.type'), '0', `${name}: PSK init`);
    assert.equal(fieldShow(f, 'mikey.prf_func'), '0', name);
    assert.equal(fieldShow(f, 'mikey.cs_count'), '0', name);
    assert.equal(fieldShow(f, 'mikey.cs_id_map_type'), '1', `${name}: empty map (RFC 4563)`);
    assert.equal(fieldShow(f, 'mikey.t.ts_type'), '2', `${name}: COUNTER`);
    assert.equal(fieldShow(f, 'mikey.rand.len'), '16', name);
    assert.deepEqual(fieldShows(f, 'mikey.id.type'), ['1', '0'], `${name}: IDi URI, IDr NAI`);
    assert.match(fieldShows(f, 'mikey.id.data')[1] ?? '', /@bsf\./, `${name}: IDr is the B-TID`);
    assert.equal(fieldShow(f, 'mikey.ext.type'), '3', `${name}: Key ID EXT (RFC 4563)`);
    assert.equal(fieldShow(f, 'mikey.ext.len'), '11', `${name}: sub-payloads 00 03 KDID, 01 04 MSK ID`);
    assert.match((fieldShow(f, 'mikey.ext.data') ?? '').replace(/:/g, ''), /^0003[0-9a-f]{6}0104[0-9a-f]{8}$/, `${name}: Key ID sub-payload layout`);
    assert.equal(fieldShow(f, 'mikey.kemac.encr_alg'), '1', `${name}: AES-CM-128`);
    assert.equal(fieldShow(f, 'mikey.kemac.mac_alg'), '1', `${name}: HMAC-SHA-1-160`);
    assert.equal((fieldShow(f, 'mikey.kemac.mac') ?? '').replace(/:/g, '').length, 40, `${name}: 20-byte MAC`);
  }
  assert.equal(fieldShow(pull!, 'mikey.v.set'), '0', 'a solicited pull has V clear');
  assert.equal(fieldShow(pull!, 'mikey.kemac.key_data_len'), '0', 'a solicited pull carries no key');
  assert.equal(fieldShow(ltkm!, 'mikey.v.set'), '1', 'the LTKM asks for a verification message');
  assert.ok(Number(fieldShow(ltkm!, 'mikey.kemac.key_data_len')) > 16, 'the LTKM carries the encrypted MSK key data');
});
