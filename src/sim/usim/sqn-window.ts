/**
 * SQN freshness on the card (TS 33.102 Annex C.2/C.3): SQN = SEQ || IND with a 5-bit IND; the card
 * keeps the highest SEQ accepted for every IND value and accepts a SQN when its SEQ is above the one
 * stored for its IND and not more than Δ above the highest SEQ ever accepted (the C.2.2 limit that
 * stops a wrapped or absurd counter). A refused SQN answers with AUTS carrying SQN_MS = the highest
 * SQN accepted so far.
 */
const IND_BITS = 5;
const IND_SIZE = 2 ** IND_BITS;
/** TS 33.102 Annex C.3.2 suggests Δ = 2^28. */
export const DEFAULT_SQN_DELTA = 2 ** 28;

const seqOf = (sqn: number) => Math.floor(sqn / IND_SIZE);
const indOf = (sqn: number) => sqn % IND_SIZE;

export class SqnWindow {
  readonly #seq: number[];
  #highest: number;

  /** `initial`: the highest SQN the card has accepted so far (subscriber file `sqn`). */
  constructor(
    initial: number,
    readonly delta = DEFAULT_SQN_DELTA,
  ) {
    this.#seq = new Array<number>(IND_SIZE).fill(seqOf(initial));
    this.#highest = initial;
  }

  accepts(sqn: number): boolean {
    const seq = seqOf(sqn);
    return seq > this.#seq[indOf(sqn)]! && seq - seqOf(this.#highest) <= this.delta;
  }

  accept(sqn: number): void {
    this.#seq[indOf(sqn)] = seqOf(sqn);
    if (sqn > this.#highest) this.#highest = sqn;
  }

  /** SQN_MS for AUTS. */
  get highest(): number {
    return this.#highest;
  }
}
