/**
 * One IPC message to a peer process that may be gone (a child that exited, a parent that was killed). Node reports
 * a failed send (EPIPE) as an 'error' event, which crashes the process when nobody listens; with a callback it is
 * the caller's instead. A peer that is gone is not an error here: its 'exit'/'disconnect' handler deals with that.
 * Resolves true when the message was written, false when the peer was gone.
 */
export interface IpcPeer {
  readonly connected: boolean;
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
}

export function sendIfConnected(peer: IpcPeer, message: unknown): Promise<boolean> {
  if (!peer.connected || peer.send === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    peer.send!(message, (error) => resolve(error === null || error === undefined));
  });
}
