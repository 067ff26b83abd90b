/**
 * The virtual USIM's file system for a subscriber and a profile: "full" (GBA_U + MBMS security + the
 * OMA BCAST Smart Card Profile: services 68, 69 and 75 in EF_UST and the GBA / MBMS EFs) or "aka-only"
 * (none, which makes the terminal fall back to GBA_ME). Sizes are those of common commercial USIMs.
 * How the card's MBMS context answers (SPEC §8) is a behaviour of the profile too.
 */
import {
  FID,
  UST_SERVICE,
  encodeAd,
  encodeDirRecord,
  encodeIccid,
  encodeImsi,
  encodeUst,
} from '../../codec/usim/index.js';
import type { Subscriber } from '../subscriber.js';
import { df, type Df, type RecordEf, type TransparentEf } from './file-system.js';

export type UsimProfile = 'full' | 'aka-only';

/** How the MBMS security context answers (SPEC §8); a terminal must cope with every combination. */
export interface MbmsCardBehaviour {
  /** 'oma-bcast': `53 L AE L {8C verification | 86 TEK, 87 salt}` (a Smart Card Profile card); '3gpp': `53 L DB …`. */
  responseForm: 'oma-bcast' | '3gpp';
  /** 'direct': the data with 90 00 (61xx + GET RESPONSE, T=0); 'retrieve': 62 F3, then AUTHENTICATE P1 A0 / 20. */
  responseDelivery: 'direct' | 'retrieve';
  /** Bytes per retrieval block (a smaller one makes the card answer 62 F1 between blocks). */
  retrievalBlockSize: number;
}

export const DEFAULT_MBMS_BEHAVIOUR: Readonly<MbmsCardBehaviour> = { responseForm: 'oma-bcast', responseDelivery: 'direct', retrievalBlockSize: 256 };

/** A full-length USIM AID (RID 3GPP, USIM, country/provider bytes as many commercial cards carry). */
export const USIM_AID: Readonly<Uint8Array> = Uint8Array.from(Buffer.from('A0000000871002FFFFFFFF8907090000', 'hex'));
/** The ADF has no FID of its own on the wire; this one only keys it inside the tree. */
const ADF_FID = 0x7ff0;
/** Service 27: GSM access, so 3G answers carry Kc too. */
const BASE_SERVICES = [27];
const UST_LENGTH = 10;

export const FILE_SIZES = {
  dirRecord: 32,
  gbabp: 160,
  gbanlRecord: 160,
  gbanlRecords: 4,
  /** 8n+4 with n = 4 (TS 31.102 §4.2.80; entries past the second are RFU): one record per Key Domain / Key Group. */
  mskRecord: 36,
  mskRecords: 8,
  mukRecord: 160,
  mukRecords: 2,
} as const;

function transparent(fid: number, name: string, data: Uint8Array, read: TransparentEf['read'], update: TransparentEf['update'], sfi?: number): TransparentEf {
  return { kind: 'transparent', fid, name, parent: null, data, read, update, ...(sfi ? { sfi } : {}) };
}

function records(fid: number, name: string, recordLength: number, count: number): RecordEf {
  const records = Array.from({ length: count }, () => new Uint8Array(recordLength).fill(0xff));
  return { kind: 'linear-fixed', fid, name, parent: null, recordLength, records, read: 'pin', update: 'never' };
}

export function buildFileSystem(sub: Subscriber, profile: UsimProfile): Df {
  const full = profile === 'full';
  const services = full ? [...BASE_SERVICES, UST_SERVICE.GBA, UST_SERVICE.MBMS_SECURITY, UST_SERVICE.BCAST_SCP] : BASE_SERVICES;
  const adfChildren: (TransparentEf | RecordEf)[] = [
    transparent(FID.EF_IMSI, 'EF_IMSI', encodeImsi(sub.imsi), 'pin', 'never', 0x07),
    transparent(FID.EF_AD, 'EF_AD', encodeAd({ mncLength: sub.mncLength }), 'always', 'never', 0x03),
    transparent(FID.EF_UST, 'EF_UST', encodeUst(services, UST_LENGTH), 'pin', 'never', 0x04),
  ];
  if (full) {
    adfChildren.push(
      transparent(FID.EF_GBABP, 'EF_GBABP', new Uint8Array(FILE_SIZES.gbabp).fill(0xff), 'pin', 'pin'),
      records(FID.EF_MSK, 'EF_MSK', FILE_SIZES.mskRecord, FILE_SIZES.mskRecords),
      records(FID.EF_MUK, 'EF_MUK', FILE_SIZES.mukRecord, FILE_SIZES.mukRecords),
      records(FID.EF_GBANL, 'EF_GBANL', FILE_SIZES.gbanlRecord, FILE_SIZES.gbanlRecords),
    );
  }
  const efDir = records(FID.EF_DIR, 'EF_DIR', FILE_SIZES.dirRecord, 2);
  efDir.read = 'always';
  efDir.records[0] = encodeDirRecord({ aid: USIM_AID, label: 'USIM' }, FILE_SIZES.dirRecord);
  return df(FID.MF, 'MF', [
    efDir,
    transparent(FID.EF_ICCID, 'EF_ICCID', encodeIccid(sub.iccid), 'always', 'never'),
    df(ADF_FID, 'ADF_USIM', adfChildren, USIM_AID),
  ]);
}

/** An EF of the USIM ADF by FID, or undefined when this profile has none. */
export function adfFile<T extends TransparentEf | RecordEf>(mf: Df, fid: number): T | undefined {
  for (const c of mf.children.values()) {
    if (c.kind === 'df' && c.aid) return c.children.get(fid) as T | undefined;
  }
  return undefined;
}
