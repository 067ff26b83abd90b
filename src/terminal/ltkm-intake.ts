// What arrives from the BSM — a WAP push over SMS or a MIKEY datagram over UDP — is read the same way (SPEC:
// "the terminal processes an SMS-borne LTKM exactly like a UDP-borne one"): checked, then classified as a
// solicited pull (key-less, MAC-checked by the card or ME) or a real LTKM (MSK stored by the card or ME).
import { decodeMikey, describeMbms, DecodeError, fromHex, type WspPush } from '../codec/index.js';
import { LtkmRejected, type LtkmPort, type StoredMsk } from './ports.js';

const BCAST_APPLICATION_ID = 'x-oma-application:bcast.ua';
const BCAST_APPLICATION_CODE = 0x13;
const MIKEY_CONTENT_TYPE = 'application/mikey';
const TRIGGER_CONTENT_TYPE = 'application/vnd.oma.bcast.smartcard-trigger+xml';

export type PushContent = { kind: 'mikey'; mikey: Uint8Array } | { kind: 'trigger-message'; body: Uint8Array };

/** Accepts only pushes addressed to the BCAST client, carrying MIKEY or a Smartcard Profile Trigger Message. */
export function classifyPush(push: WspPush): PushContent {
  const forBcast = push.applicationIdCode === BCAST_APPLICATION_CODE || push.applicationId?.toLowerCase() === BCAST_APPLICATION_ID;
  if (!forBcast) throw new LtkmRejected('not-bcast', `push for application ${push.applicationId ?? '(none)'}, not ${BCAST_APPLICATION_ID}`);
  const type = push.contentType.toLowerCase();
  if (type === MIKEY_CONTENT_TYPE) return { kind: 'mikey', mikey: push.body };
  if (type === TRIGGER_CONTENT_TYPE) return { kind: 'trigger-message', body: push.body };
  throw new LtkmRejected('unsupported', `push content type ${push.contentType} is not acted on`);
}

export type LtkmIntake =
  | { kind: 'solicited-pull'; keyDomainId: string; keyGroup: number; counter: number | null }
  | { kind: 'msk'; stored: StoredMsk; counter: number | null };

/** Decodes, checks and acts on one MIKEY message; throws LtkmRejected with the reason otherwise. */
export async function takeLtkm(raw: Uint8Array, ltkm: LtkmPort, homeKeyDomainId: string): Promise<LtkmIntake> {
  let info;
  try {
    info = describeMbms(decodeMikey(raw), { homeKeyDomainId: fromHex(homeKeyDomainId) });
  } catch (e) {
    if (e instanceof DecodeError) throw new LtkmRejected('malformed', e.message);
    throw e;
  }
  if (info.kind !== 'msk') throw new LtkmRejected('unsupported', `MIKEY ${info.kind} message is not an LTKM`);
  if (info.mskId === null || info.keyDomainId === null) throw new LtkmRejected('malformed', `MSK message without a Key ID (${info.warnings.join('; ')})`);
  if (info.solicitedPull) {
    await ltkm.verifySolicitedPull(raw);
    return { kind: 'solicited-pull', keyDomainId: info.keyDomainId, keyGroup: info.mskId.keyGroup, counter: info.tsCounter };
  }
  const stored = await ltkm.processMskMessage(raw);
  return { kind: 'msk', stored, counter: info.tsCounter };
}
