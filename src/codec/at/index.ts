/** The AT codec (TS 27.005 / 27.007): framing the modem's byte stream and parsing the lines the modem layer needs. */
export { AtFramer } from './framer.js';
export { classifyLine, parseFinal } from './line.js';
export type { AtLine, CmtHeader, CmtLine, EchoLine, FinalLine, GarbageLine, InfoLine, PromptLine, UrcLine } from './line.js';
export { CME_ERRORS, CMS_ERRORS, PLAIN_FINALS, errorCodeForText, errorTextForCode } from './result-codes.js';
export type { FinalResult } from './result-codes.js';
export { URC_TABLE, findUrc } from './urc-table.js';
export type { UrcEntry, UrcMatch } from './urc-table.js';
export { splitParams, splitPrefix } from './tokens.js';
export type { AtParam } from './tokens.js';
export {
  MESSAGE_STAT,
  parseCmglEntries,
  parseCmgrHeader,
  parseCmtHeader,
  parseCmti,
  parseCnmiTest,
  parseCsms,
  splitSmscPrefix,
} from './sms.js';
export type { CnmiSupport, CsmsState, ListedMessage, MessageStat, NewMessageIndication, StoredMessageHeader } from './sms.js';
export { CPIN_CODES, REG_STAT, parseCpin, parseCreg } from './network.js';
export type { CpinCode, PinState, RegCommand, Registration } from './network.js';
export { parseCgactRead, parseCgev, parseCgpaddr } from './pdp.js';
export type { CgevEffect, CgevEvent, ContextState, PdpAddresses } from './pdp.js';
export { cgact, cgdcont, cgerep, cgpaddr, cmee, cmgd, cmgf, cmgl, cmgr, cnma, cnmi, cpms, csms, regUrcMode } from './commands.js';
export type { PdpType } from './commands.js';
