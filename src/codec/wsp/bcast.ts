/**
 * What marks a WAP push as the BCAST client's (SPEC §1-§3.4): its X-Wap-Application-Id (code 0x13 in the
 * OMNA table of tables.ts, `x-oma-application:bcast.ua`) and the content types it acts on. One home: the
 * terminal's push filter, the decode CLI and the simulated BSM's pushes all read these.
 */
export const BCAST_APPLICATION_ID = 'x-oma-application:bcast.ua';
export const BCAST_APPLICATION_CODE = 0x13;
/** An LTKM (MIKEY, RFC 3830 + MBMS) carried by the push. */
export const MIKEY_CONTENT_TYPE = 'application/mikey';
/** A Smartcard Profile Trigger Message (SPEC §3.4). */
export const TRIGGER_CONTENT_TYPE = 'application/vnd.oma.bcast.smartcard-trigger+xml';
