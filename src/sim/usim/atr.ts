/**
 * The virtual USIM's Answer To Reset: the ATR of a sysmocom sysmoUSIM-SJS1 (a widely used
 * programmable USIM): T=0 and T=15, class A/B/C, clock stop, TCK correct. T=0 matters: the terminal
 * must then fetch response data with GET RESPONSE after 61xx, as with most real USIMs.
 */
export const USIM_ATR: Readonly<Uint8Array> = Uint8Array.from(Buffer.from('3B9F96801FC78031A073BE21136743200718000001A5', 'hex'));
