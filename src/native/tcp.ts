// TCP_QUICKACK for Node sockets (native/src/tcp.c). The virtual USIM's client to vpcd gets each command
// APDU as two writes (2-byte length, then the data) from a peer with Nagle on: while our side delays its
// ACK of the length (~40 ms on Linux), the peer holds the data back. Quick-ack mode ACKs at once, but
// Linux leaves it again by itself, so the caller re-arms it after every 'data' event; enableQuickAck is
// one syscall once the addon is resolved.
import type { Socket } from 'node:net';
import { hasNative, native } from './binding.js';

/** setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, 1). Linux only: NativeAddonError elsewhere; system error (err.code) on failure. */
export function tcpQuickAck(fd: number): void {
  native('tcpQuickAck')(fd);
}

/** getsockopt of TCP_QUICKACK: true while the socket is in quick-ack mode. */
export function tcpQuickAckGet(fd: number): boolean {
  return native('tcpQuickAckGet')(fd);
}

/** Resolved on first use: null when the addon or the option is missing here. */
let setter: ((fd: number) => void) | null | undefined;

/** Errors that mean "this socket is not TCP" (a unix-domain net.Socket): not applicable, not a failure.
 *  (libuv names Linux's EOPNOTSUPP 'ENOTSUP': the two are one errno there.) */
const NOT_TCP = new Set(['ENOTSUP', 'EOPNOTSUPP', 'ENOPROTOOPT', 'ENOTSOCK']);

/** The OS fd under a net.Socket, when Node has one (Linux: ≥ 0 for an open TCP or pipe handle). */
export function socketFd(socket: Socket): number | null {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/**
 * Puts `socket` in quick-ack mode now. Returns false, without throwing, when that does not apply: no addon
 * or not Linux, no fd (not connected yet, destroyed), or not a TCP socket. Other system errors are thrown.
 */
export function enableQuickAck(socket: Socket): boolean {
  if (setter === undefined) setter = hasNative('tcpQuickAck') ? native('tcpQuickAck') : null;
  if (setter === null) return false;
  const fd = socketFd(socket);
  if (fd === null) return false;
  try {
    setter(fd);
    return true;
  } catch (err) {
    if (NOT_TCP.has((err as { code?: string }).code ?? '')) return false;
    throw err;
  }
}
