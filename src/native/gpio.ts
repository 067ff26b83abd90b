// One GPIO output line through the Linux GPIO character device (native/src/gpio.c): the modem's reset and
// power lines named in the board config. Values are logical (true = asserted); the kernel applies activeLow.
import { native, type RawGpioLine } from './binding.js';

/** The ioctl layer under GpioLine: the addon by default, a recorder in tests. */
export interface GpioBackend {
  requestOutput(chipPath: string, offset: number, activeLow: boolean, consumer: string, value: boolean): RawGpioLine;
  setValue(fd: number, abi: 1 | 2, value: boolean): void;
  close(fd: number): void;
}

export const nativeGpioBackend: GpioBackend = {
  requestOutput: (chipPath, offset, activeLow, consumer, value) => native('gpioRequestOutput')(chipPath, offset, activeLow, consumer, value),
  setValue: (fd, abi, value) => native('gpioSetValue')(fd, abi, value),
  close: (fd) => native('closeFd')(fd),
};

export interface GpioLineOptions {
  /** Asserted = driven low (default false). */
  readonly activeLow?: boolean;
  /** Shown by `gpioinfo` as the line's user (default 'bcastd'). */
  readonly consumer?: string;
  /** Logical value the line is driven to when requested (default false: not asserted). */
  readonly initial?: boolean;
  readonly backend?: GpioBackend;
}

/** 'gpiochip0' → '/dev/gpiochip0'; an absolute path stays as it is (the board config allows both). */
export function gpioChipPath(chip: string): string {
  return chip.startsWith('/') ? chip : `/dev/${chip}`;
}

export class GpioLine {
  #raw: RawGpioLine | null;
  #value: boolean;

  private constructor(
    readonly chip: string,
    readonly offset: number,
    raw: RawGpioLine,
    value: boolean,
    private readonly backend: GpioBackend,
  ) {
    this.#raw = raw;
    this.#value = value;
  }

  /** Requests `offset` on `chip` as an output; throws the addon's system error (code ENOENT, EBUSY, …). */
  static request(chip: string, offset: number, o: GpioLineOptions = {}): GpioLine {
    const backend = o.backend ?? nativeGpioBackend;
    const path = gpioChipPath(chip);
    const initial = o.initial ?? false;
    const raw = backend.requestOutput(path, offset, o.activeLow ?? false, o.consumer ?? 'bcastd', initial);
    return new GpioLine(path, offset, raw, initial, backend);
  }

  /** The logical value last driven. */
  get active(): boolean {
    return this.#value;
  }

  get released(): boolean {
    return this.#raw === null;
  }

  set(active: boolean): void {
    if (!this.#raw) throw new Error(`GPIO ${this.chip} line ${this.offset} was released`);
    this.backend.setValue(this.#raw.fd, this.#raw.abi, active);
    this.#value = active;
  }

  /** Gives the line back to the kernel (idempotent). */
  release(): void {
    if (!this.#raw) return;
    const fd = this.#raw.fd;
    this.#raw = null;
    this.backend.close(fd);
  }
}
