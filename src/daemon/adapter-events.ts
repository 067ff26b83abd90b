// Adapter events → terminal triggers and MQTT state topics / events: the one place where what the modem, the
// card and the GBA client report is translated for the terminal and for the field.
import type { Logger } from 'pino';
import type { Card } from '../card/index.js';
import type { GbaClient } from '../gba/index.js';
import type { Modem } from '../modem/index.js';
import { maskId } from '../util/mask.js';
import { WDP_PORT } from '../codec/wsp/ports.js';
import type { DaemonPublishPort } from './ports/publish-port.js';
import type { SmsBearer } from '../terminal/ltkm/sms-bearer.js';
import type { Terminal } from '../terminal/terminal.js';

export interface AdapterEventSources {
  modem: Modem;
  card: Card;
  gba: GbaClient;
  terminal: Terminal;
  publish: DaemonPublishPort;
  /** The SMS bearer of the LTKM path: WAP pushes and datagrams to other ports go there. */
  sms: SmsBearer;
  /** The card is ready again: what was kept for it goes first. */
  onCardBack(): void;
  log: Logger;
}

export function wireAdapterEvents({ modem, card, gba, terminal: t, publish, sms, onCardBack, log }: AdapterEventSources): void {
  const gbaMode = () => card.info?.capabilities.gbaMode ?? null;

  // ---- modem ----
  let releasedSinceActive = false;
  modem.on('wap-push', (e) => {
    // The SMS (all its parts, reassembled) as the modem handed it over, then what it carried.
    publish.event('sms', { via: e.via, parts: e.datagram.parts, textual: false, port: WDP_PORT.wapPush });
    publish.event('wap-push', { contentType: e.push.contentType, applicationId: e.push.applicationId, bytes: e.push.body.length, source: 'sms' });
  });
  modem.on('wap-push', (e) => void sms.wapPush(e.push).catch((err: unknown) => log.error({ err: (err as Error).message }, 'WAP push handling failed')));
  modem.on('coverage', (c) => {
    publish.state('modem', { state: modem.state, coverage: c.covered, registration: c.registration ?? null });
    if (c.covered && c.previous === false) t.connectivityRestored('coverage regained');
  });
  modem.on('link', (tr) => publish.state('modem', { state: tr.state, previous: tr.previous, reason: tr.reason ?? null, coverage: modem.coverage, ...modem.identity }));
  modem.on('pdp', (e) => {
    publish.state('pdp', { state: e.state, previous: e.previous, reason: e.reason ?? null, address: e.address ?? null });
    if (e.state === 'inactive' && e.previous === 'active') releasedSinceActive = true;
    if (e.state === 'active' && releasedSinceActive) {
      releasedSinceActive = false;
      t.connectivityRestored('PDP context re-activated');
    }
  });
  modem.on('undecodable', (e) => publish.event('sms-undecodable', { stage: e.error.stage, detail: e.error.message, via: e.via }));
  // Datagrams to other ports and plain SMS are not for bcastd, but they are reported, never silently lost.
  modem.on('datagram', (e) => sms.datagram(e.port));
  modem.on('sms', (e) => publish.event('sms', { via: e.via, parts: e.datagram.parts, textual: e.datagram.text !== undefined }));
  modem.on('expired', (g) => publish.event('sms-expired', { reason: g.reason, reference: g.reference, received: g.received.length, total: g.total }));

  // ---- card ----
  card.on('state', (c) => publish.state('card', { state: c.state, previous: c.previous, reason: c.reason ?? null, ...(card.info ? cardSummary(card) : {}) }));
  // Card pulled, reader or pcscd gone: the terminal says degraded and LTKMs are kept; back: kept ones first
  // (judged with the keys the card still holds), then bootstrap and register again.
  card.on('state', (c) => {
    if (c.state === 'absent' || c.state === 'error') t.cardLost(c.reason ?? c.state);
    else if (c.state === 'ready' && c.previous !== 'ready') {
      onCardBack();
      t.cardBack();
    }
  });

  // ---- GBA ----
  let bootstrapStarted: number | null = null;
  gba.onStateChange((s, why) => {
    if (s === 'bootstrapping' && bootstrapStarted === null) {
      bootstrapStarted = performance.now();
      publish.event('gba-bootstrap', { phase: 'started', mode: gbaMode() });
    } else if ((s === 'bootstrapped' || s === 'failed') && bootstrapStarted !== null) {
      const durationMs = Math.round((performance.now() - bootstrapStarted) * 100) / 100;
      bootstrapStarted = null;
      publish.event('gba-bootstrap', { phase: s === 'bootstrapped' ? 'done' : 'failed', mode: gba.session?.mode ?? gbaMode(), durationMs, ...(why ? { reason: why } : {}) });
    }
  });
  // A new B-TID means a new MUK: the BSM must learn it before it pushes again (else the card finds no MUK).
  gba.onRenewed((why) => t.renewal(why));
  gba.onStateChange((s, why) => publish.state('gba', { state: s, reason: why ?? null, btid: gba.session ? maskId(gba.session.btid) : null, lifetime: gba.session?.lifetime.toISOString() ?? null, mode: gba.session?.mode ?? null }));
}

/** The `card` topic: identity (masked), GBA flavour and the EF_UST services 68 / 69 / 75 that decide it. */
function cardSummary(card: Card): Record<string, unknown> {
  const info = card.info!;
  const c = info.capabilities;
  return {
    imsi: info.imsiMasked,
    mcc: info.mcc,
    mnc: info.mnc,
    gbaMode: c.gbaMode,
    mbms: c.mbmsService,
    services: { gba: c.gbaService, mbmsSecurity: c.mbmsService, bcastSmartcardProfile: c.bcastScpService },
    reader: info.reader,
  };
}
