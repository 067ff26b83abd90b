// Issue 5 acceptance through the real parts: the real bcastd with the modem on a pty, the virtual USIM through
// pcscd + vpcd, the simulated BSF/BSM on loopback. For both GBA flavours: bootstrap, register, receive the pushed
// LTKM, answer its verification request — and the BSM records that verification as valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig } from './harness.js';

for (const [flavour, profile] of [['gba-u', 'full'], ['gba-me', 'aka-only']] as const) {
  test(`${flavour} (${profile} USIM through pcscd + vpcd): bootstrap, register, LTKM pushed, verification recorded by the BSM`, { timeout: 60_000 }, async (t) => {
    const rig = await SystemRig.start(t, { overrides: { sim: { profile } } });

    const card = await rig.waitFor('card', (p) => p['state'] === 'ready', 20_000);
    assert.equal(card.payload['gbaMode'], flavour);
    assert.equal(card.payload['reader'], 'Virtual PCD 00 00', 'the card was reached through pcscd + vpcd');
    const all = profile === 'full';
    assert.deepEqual(card.payload['services'], { gba: all, mbmsSecurity: all, bcastSmartcardProfile: all }, 'EF_UST services 68 / 69 / 75');
    const gba = await rig.waitFor('gba', (p) => p['state'] === 'bootstrapped', 20_000);
    assert.equal(gba.payload['mode'], flavour);
    await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);

    // The subscriber bought news before the start: its MSK arrives by UDP push and is acknowledged.
    const key = await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => Number(p['count']) >= 1, 20_000);
    assert.equal(key.payload['keyGroup'], KEY_GROUP.news);
    const verified = await rig.waitForSimEvent((e) => e.type === 'verification', 10_000);
    assert.equal(verified['ok'], true, 'the BSM checked the verification message and found it valid');
    const { json: verifications } = await rig.simControl('/verifications');
    assert.ok(Array.isArray(verifications) && verifications.some((v: { ok: boolean }) => v.ok), JSON.stringify(verifications));
    const bootstraps = await rig.simEvents('bootstrap');
    assert.deepEqual(bootstraps.map((b) => b['mode']), [flavour]);
  });
}
