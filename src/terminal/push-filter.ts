// Which WAP pushes the terminal acts on: those for the BCAST client carrying MIKEY (then read exactly like a
// UDP-borne LTKM, SPEC §1-§2) or a Smartcard Profile Trigger Message (SPEC §3.4).
import type { WspPush } from '../codec/index.js';
import { BCAST_APPLICATION_CODE, BCAST_APPLICATION_ID, MIKEY_CONTENT_TYPE, TRIGGER_CONTENT_TYPE } from '../codec/wsp/bcast.js';
import { LtkmRejected } from './ltkm/types.js';

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
