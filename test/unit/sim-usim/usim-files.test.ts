import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../../src/codec/hex.js';
import {
  FID,
  SW,
  decodeFcp,
  decodeImsi,
  encodeCommandApdu,
  encodePin,
  getResponse,
  readBinary,
  readRecord,
  selectAid,
  selectFid,
  updateBinary,
  verifyPin,
} from '../../../src/codec/usim/index.js';
import { CardAbsentError, USIM_AID, USIM_ATR, VirtualUsim } from '../../../src/sim/usim/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';
import { readEf, rig } from './rig.js';

const raw = (usim: VirtualUsim, cmd: Parameters<typeof encodeCommandApdu>[0]) => toHex(usim.process(encodeCommandApdu(cmd)));

describe('virtual USIM: T=0 answers', () => {
  it('answers a SELECT with FCP by 61xx, then GET RESPONSE in one or several parts', () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    const first = raw(usim, selectFid(FID.EF_DIR, true));
    assert.match(first, /^61[0-9a-f]{2}$/);
    const len = parseInt(first.slice(2), 16);
    const part1 = raw(usim, getResponse(4));
    assert.equal(part1.slice(-4), `61${(len - 4).toString(16).padStart(2, '0')}`);
    const part2 = raw(usim, getResponse(len - 4));
    assert.ok(part2.endsWith('9000'));
    const fcp = decodeFcp(fromHex(part1.slice(0, -4) + part2.slice(0, -4)));
    assert.equal(fcp.fileId, FID.EF_DIR);
    assert.equal(fcp.kind, 'linear-fixed');
  });

  it('answers a too-long Le with 6Cxx and a GET RESPONSE without pending data with 6985', () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    raw(usim, selectFid(FID.EF_ICCID, false));
    assert.equal(raw(usim, readBinary(0, 12)), '6c0a');
    assert.equal(raw(usim, readBinary(0, 10)).slice(-4), '9000');
    assert.equal(raw(usim, getResponse(4)), '6985');
    raw(usim, selectFid(FID.EF_DIR, true));
    assert.match(raw(usim, getResponse(200)), /^6c/);
  });

  it('refuses malformed and unknown commands with the right status words', () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    assert.equal(toHex(usim.process(fromHex('00a4'))), '6700');
    assert.equal(raw(usim, { cla: 0xa0, ins: 0xa4, p1: 0, p2: 0, data: fromHex('3f00') }), '6e00');
    assert.equal(raw(usim, { cla: 0, ins: 0x12, p1: 0, p2: 0 }), '6d00');
    assert.equal(raw(usim, selectFid(0x1234, false)), '6a82');
    assert.equal(raw(usim, readBinary(0, 1)), '6986');
  });

  it('has the ATR of a T=0 USIM', () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    assert.equal(toHex(usim.atr), toHex(USIM_ATR));
    assert.equal(USIM_ATR.slice(1).reduce((x, b) => x ^ b, 0), 0, 'TCK');
  });
});

describe('virtual USIM: file system', () => {
  it('EF_DIR lists the USIM AID, selectable by a right-truncated AID and by path', async () => {
    const r = await rig({ select: false });
    await r.ch.command(selectFid(FID.EF_DIR, false), { op: 'SELECT' });
    const rec = await r.ch.command(readRecord(1, 32), { op: 'READ RECORD' });
    assert.equal(toHex(rec.subarray(4, 20)), toHex(USIM_AID));
    const fcp = decodeFcp(await r.ch.command(selectAid(USIM_AID.subarray(0, 7), true), { op: 'SELECT' }));
    assert.equal(toHex(fcp.dfName!), toHex(USIM_AID));
    assert.equal((await r.run({ cla: 0, ins: 0xa4, p1: 0x08, p2: 0x0c, data: fromHex('7ff06f07') })).sw, SW.OK);
    assert.equal((await r.run(selectFid(FID.ADF_CURRENT, false))).sw, SW.OK);
  });

  it('EF_IMSI, EF_AD, EF_UST hold the subscriber and the profile', async () => {
    const full = await rig();
    assert.equal(decodeImsi((await readEf(full, FID.EF_IMSI, 9)).data), full.sub.imsi);
    assert.equal(toHex((await readEf(full, FID.EF_AD, 4)).data), '00000002');
    // services 27 (byte 4 bit 3), 68 + 69 (byte 9 bits 4, 5), 75 OMA BCAST Smart Card Profile (byte 10 bit 3)
    assert.equal(toHex((await readEf(full, FID.EF_UST, 10)).data), '00000004000000001804');
    const aka = await rig({ profile: 'aka-only' });
    assert.equal(toHex((await readEf(aka, FID.EF_UST, 10)).data), '00000004000000000000');
    assert.equal((await aka.run(selectFid(FID.EF_GBABP, false))).sw, SW.FILE_NOT_FOUND);
  });

  it('READ RECORD out of range answers 6A83; only absolute mode is supported', async () => {
    const r = await rig({ select: false });
    await r.ch.command(selectFid(FID.EF_DIR, false), { op: 'SELECT' });
    assert.equal((await r.run(readRecord(3, 32))).sw, SW.RECORD_NOT_FOUND);
    assert.equal((await r.run({ ...readRecord(1, 32), p2: 0x02 })).sw, SW.WRONG_P1P2);
  });

  it('EF_GBABP is updatable after the PIN; EF_IMSI never', async () => {
    const r = await rig();
    await r.ch.command(selectFid(FID.EF_GBABP, false), { op: 'SELECT' });
    assert.equal((await r.run(updateBinary(0, fromHex('0100')))).sw, SW.OK);
    assert.equal(toHex((await r.run(readBinary(0, 2))).data), '0100');
    assert.equal((await r.run(updateBinary(159, fromHex('0100')))).sw, SW.OUT_OF_RANGE);
    await r.ch.command(selectFid(FID.EF_IMSI, false), { op: 'SELECT' });
    assert.equal((await r.run(updateBinary(0, fromHex('00')))).sw, SW.SECURITY_STATUS);
  });
});

describe('virtual USIM: PIN1', () => {
  it('protects EF_IMSI and AUTHENTICATE until verified; counts down and blocks', async () => {
    const r = await rig({ sub: { pin: '1234' } });
    assert.equal((await r.run(verifyPin())).sw, 0x63c3);
    assert.equal((await readEf(r, FID.EF_IMSI, 9)).sw, SW.SECURITY_STATUS);
    assert.equal((await readEf(r, FID.EF_AD, 4)).sw, SW.OK, 'EF_AD is always readable');
    assert.equal((await r.run(verifyPin(encodePin('0000')))).sw, 0x63c2);
    assert.equal((await r.run(verifyPin(encodePin('1234')))).sw, SW.OK);
    assert.equal((await r.run(verifyPin())).sw, SW.OK);
    assert.equal((await readEf(r, FID.EF_IMSI, 9)).sw, SW.OK);
    r.usim.reset();
    await r.ch.command(selectAid(USIM_AID, false), { op: 'SELECT' });
    assert.equal((await r.run(verifyPin())).sw, 0x63c3, 'a reset forgets the verification');
    for (const sw of [0x63c2, 0x63c1, SW.PIN_BLOCKED]) assert.equal((await r.run(verifyPin(encodePin('9999')))).sw, sw);
    assert.equal((await r.run(verifyPin(encodePin('1234')))).sw, SW.PIN_BLOCKED);
  });

  it('without a PIN: status 9000, VERIFY with data refused', async () => {
    const r = await rig();
    assert.equal((await r.run(verifyPin())).sw, SW.OK);
    assert.equal((await r.run(verifyPin(encodePin('1234')))).sw, SW.CONDITIONS_NOT_SATISFIED);
  });
});

describe('virtual USIM: removal and latency faults', () => {
  it('a removed card answers nothing; reinsertion resets volatile state', async () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    const seen: string[] = [];
    usim.on('removed', () => seen.push('removed'));
    usim.on('inserted', () => seen.push('inserted'));
    usim.remove();
    await assert.rejects(usim.transmit(encodeCommandApdu(selectFid(FID.MF, false))), CardAbsentError);
    usim.insert();
    assert.deepEqual(seen, ['removed', 'inserted']);
    assert.equal(toHex(await usim.transmit(encodeCommandApdu(selectFid(FID.MF, false)))), '9000');
  });

  it('delays every answer by the configured latency', async () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    usim.faults.settings.latencyMs = 60;
    const t = Date.now();
    await usim.transmit(encodeCommandApdu(selectFid(FID.MF, false)));
    assert.ok(Date.now() - t >= 55);
  });
});
