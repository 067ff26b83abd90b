/**
 * The Python program (PyGObject + GStreamer) that plays one service's broadcast: a live test pattern with a
 * clock, JPEG over RTP, protected by GStreamer's srtpenc (libsrtp2) and sent to 127.0.0.1:<port>. A program
 * and not a `gst-launch-1.0` line because the traffic key rotates while the stream runs: each
 * `key <master key hex> <mki hex>` line on stdin sets srtpenc's key and MKI (srtpenc re-keys on the next
 * packet). Keys come on stdin only: argv and the environment are readable in /proc. It answers `playing`
 * once running and `key <mki>` per key it set; it ends when stdin closes. JPEG (JFIF) is full-range YCbCr: the
 * I420 fed to jpegenc says so (colorimetry 1:4:0:0), else a decoder shows 16–235 where the pattern has 0–255.
 */
export const SRTP_SENDER_SCRIPT = String.raw`
import sys, threading
import gi
gi.require_version('Gst', '1.0')
from gi.repository import Gst, GLib

Gst.init(None)
port, width, height, fps = (int(a) for a in sys.argv[1:5])
pipe = Gst.parse_launch(
    f'videotestsrc is-live=true pattern=smpte ! video/x-raw,format=RGB,width={width},height={height},framerate={fps}/1 '
    '! clockoverlay halignment=left valignment=top font-desc="Sans 8" time-format="%H:%M:%S" '
    '! videoconvert ! video/x-raw,format=I420,colorimetry=(string)1:4:0:0 ! jpegenc quality=90 ! rtpjpegpay pt=26 mtu=1200 '
    '! srtpenc name=enc rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-80 rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80 '
    f'! udpsink host=127.0.0.1 port={port} sync=false async=false')
enc = pipe.get_by_name('enc')
loop = GLib.MainLoop()

def set_key(line):
    _, key, mki = line.split()
    enc.set_property('mki', Gst.Buffer.new_wrapped(bytes.fromhex(mki)))
    enc.set_property('key', Gst.Buffer.new_wrapped(bytes.fromhex(key)))
    print('key', mki, flush=True)
    return False

def on_error(_bus, msg):
    print('error', msg.parse_error()[0].message, flush=True)
    loop.quit()

def read_keys():
    for line in sys.stdin:
        if line.startswith('key '):
            GLib.idle_add(set_key, line)
    GLib.idle_add(loop.quit)

first = sys.stdin.readline()
if not first.startswith('key '):
    sys.exit('the first line must be a key')
set_key(first)
bus = pipe.get_bus()
bus.add_signal_watch()
bus.connect('message::error', on_error)
threading.Thread(target=read_keys, daemon=True).start()
pipe.set_state(Gst.State.PLAYING)
print('playing', flush=True)
loop.run()
pipe.set_state(Gst.State.NULL)
`;
