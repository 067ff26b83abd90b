#!/usr/bin/python3
"""Reference player for bcastd: plays one SRTP-protected broadcast service with the keys bcastd obtains.

  1. MQTT (as the `player` role): follows `traffic/#` to know which MSKs bcastd holds (can I decrypt now?).
  2. UDP: takes the STKMs (MIKEY MTK messages) the broadcast carries for the service.
  3. For each STKM whose key it lacks and whose MSK is ready, asks bcastd for the TEK on the player exchange:
     `player/stkm` {stkm, requestId} → `player/tek` {requestId, ok, tek, salt, mskId, mtkId} (MQTT 5 response
     topic + correlation data are set as well).
  4. GStreamer: udpsrc → srtpdec → rtpjpegdepay → jpegdec → appsink. srtpdec asks for keys through its
     `request-key` signal; the answer holds every TEK we have, each under its MKI (MSK ID ‖ MTK ID), so libsrtp
     picks the right one per packet and key rotation is seamless. A new TEK → `clear-keys` → asked again.
  5. Once a second: a JSON line on stdout and a PNG snapshot of the last decoded frame; events as they happen
     (`stkm` asked, `tek` got, `tek-refused`, `first-frame`: the first decoded frame, and again after a gap ≥ 1 s).

Needs Debian packages python3-gst-1.0, gstreamer1.0-plugins-{base,good,bad}, python3-paho-mqtt. See docs/player.md.
"""
import argparse, json, os, socket, struct, sys, threading, time, uuid, zlib
from urllib.parse import urlparse

import gi
gi.require_version('Gst', '1.0')
from gi.repository import GLib, Gst
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

SRTP_AUTH_TAG = 10   # HMAC-SHA1-80
MKI_LEN = 6          # MSK ID (4) ‖ MTK ID (2)
MAX_KEYS = 4         # current, next and a little slack; libsrtp takes up to 16


def stamp():
    """Now in seconds, cut (not rounded) to the millisecond like bcastd's stamps: never a step into the future."""
    return time.time_ns() // 1_000_000 / 1000


def key_id_of(stkm):
    """(key domain hex, MSK ID hex, MTK ID) from an MTK message: walk the MIKEY payloads to the Key ID EXT."""
    nxt, i = stkm[2], 10  # HDR: 10 bytes, no CS map in MTK messages
    kdid = msk = mtk = None
    while nxt != 0 and i < len(stkm):
        here, nxt = nxt, stkm[i]
        if here == 5:                     # T: next, type, value (4 bytes for COUNTER, else 8)
            i += 2 + (4 if stkm[i + 1] == 2 else 8)
        elif here == 11:                  # RAND: next, len, rand
            i += 2 + stkm[i + 1]
        elif here in (6, 21):             # ID / EXT: next, type, len(2), data
            ext_type, n = stkm[i + 1], struct.unpack('>H', stkm[i + 2:i + 4])[0]
            data, i = stkm[i + 4:i + 4 + n], i + 4 + n
            j = 0
            while here == 21 and ext_type == 3 and j + 2 <= len(data):   # Key ID: type, len, id ...
                t, ln = data[j], data[j + 1]
                v = data[j + 2:j + 2 + ln]
                kdid, msk, mtk = (v.hex(), msk, mtk) if t == 0 else (kdid, v.hex(), mtk) if t == 1 else (kdid, msk, int.from_bytes(v, 'big') if t == 2 else mtk)
                j += 2 + ln
        else:                             # KEMAC and the rest: nothing we need after it
            break
    return kdid, msk, mtk


def write_png(path, width, height, rgb):
    """A PNG of raw RGB rows, written atomically (the file is read while we write the next one)."""
    rows = b''.join(b'\0' + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))
    chunk = lambda tag, data: struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data))
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')
    with open(path + '.tmp', 'wb') as f:
        f.write(png)
    os.replace(path + '.tmp', path)


class Player:
    def __init__(self, a):
        self.a = a
        self.base = f'{a.prefix}/{a.device}'
        self.lock = threading.Lock()
        self.keys = {}             # MKI hex → SRTP master key (TEK ‖ salt), oldest first
        self.dec_keys = set()      # the MKIs srtpdec was last given (a key may be ours but not yet srtpdec's)
        self.ready_msks = set()    # "<kdid>/<mskId>" bcastd says it can decrypt under (traffic topics)
        self.pending = {}          # requestId → (mki, sent at)
        self.asked = {}            # MKI → last time we asked, so one STKM per key is enough
        self.stats = dict(decrypted=0, droppedNoKey=0, authFailed=0, tekRequests=0, tekRefused=0)
        self.last_error = None
        self.key_id = None         # MKI of the last packet that decrypted
        self.in_flight = None      # (mki, marker) of the packet inside srtpdec, until we know its fate
        self.frame = None          # last decoded RGB frame
        self.last_frame_at = None  # monotonic time of the last decoded frame
        self.reply_topic = f'{self.base}/player/tek'

    # ---- bcastd over MQTT ----
    def connect(self):
        u = urlparse(self.a.broker)
        self.mqtt = mqtt.Client(client_id=f'player-{uuid.uuid4().hex[:8]}', protocol=mqtt.MQTTv5)
        if self.a.username:
            self.mqtt.username_pw_set(self.a.username, self.a.password)
        self.mqtt.on_connect = lambda c, *_: c.subscribe([(f'{self.base}/traffic/#', 1), (self.reply_topic, 1)])
        self.mqtt.on_message = self.on_message
        self.mqtt.connect(u.hostname or '127.0.0.1', u.port or 1883)
        self.mqtt.loop_start()

    def on_message(self, _c, _u, msg):
        try:
            p = json.loads(msg.payload or b'{}')
        except ValueError:
            return
        if '/traffic/' in msg.topic:
            msk = msg.topic.split('/traffic/', 1)[1]
            with self.lock:
                (self.ready_msks.add if p.get('ready') else self.ready_msks.discard)(msk)
        elif msg.topic == self.reply_topic:
            self.on_tek(p)

    def ask_tek(self, stkm):
        kdid, msk, mtk = key_id_of(stkm)
        if msk is None or mtk is None:
            return
        mki = msk + f'{mtk:04x}'
        now = time.monotonic()
        with self.lock:
            if mki in self.keys or f'{kdid}/{msk}' not in self.ready_msks or now - self.asked.get(mki, -9) < self.a.retry_sec:
                return
            self.asked[mki] = now
            request_id = uuid.uuid4().hex
            self.pending[request_id] = (mki, now)
            self.stats['tekRequests'] += 1
        # Stamped before the request leaves: bcastd may log its receipt before this thread gets to print.
        self.event('stkm', mki=mki)
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic, props.CorrelationData = self.reply_topic, request_id.encode()
        self.mqtt.publish(f'{self.base}/player/stkm', json.dumps({'stkm': stkm.hex(), 'requestId': request_id}), qos=1, properties=props)

    def on_tek(self, p):
        with self.lock:
            mine = self.pending.pop(p.get('requestId'), None)
            if mine is None:
                return                        # another player's answer
            if not p.get('ok'):
                self.stats['tekRefused'] += 1
                self.last_error = p.get('error', {}).get('code')
                self.event('tek-refused', mki=mine[0], code=self.last_error)
                return
            m = p['mskId']
            mki = f"{m['keyGroup']:04x}{m['keyNumber']:04x}{p['mtkId']:04x}"
            self.keys[mki] = bytes.fromhex(p['tek'] + (p.get('salt') or ''))
            while len(self.keys) > MAX_KEYS:
                self.keys.pop(next(iter(self.keys)))
        self.event('tek', mki=mki, ms=round((time.monotonic() - mine[1]) * 1000))
        GLib.idle_add(lambda: self.dec.emit('clear-keys') and False)   # srtpdec asks again: request-key

    # ---- STKMs from the broadcast ----
    def read_stkms(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('127.0.0.1', self.a.stkm_port))
        while True:
            self.ask_tek(s.recv(4096))

    # ---- GStreamer ----
    def build(self):
        self.pipe = Gst.parse_launch(
            f'udpsrc address=127.0.0.1 port={self.a.rtp_port} caps="application/x-srtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26" '
            '! srtpdec name=dec ! rtpjpegdepay ! jpegdec ! videoconvert ! video/x-raw,format=RGB '
            '! appsink name=sink emit-signals=true sync=false max-buffers=2 drop=true')
        self.dec = self.pipe.get_by_name('dec')
        self.dec.connect('request-key', self.request_key)
        self.dec.get_static_pad('rtp_sink').add_probe(Gst.PadProbeType.BUFFER, self.packet_in)
        self.dec.get_static_pad('rtp_src').add_probe(Gst.PadProbeType.BUFFER, self.packet_out)
        self.pipe.get_by_name('sink').connect('new-sample', self.on_frame)

    def request_key(self, _dec, _ssrc):
        """srtpdec's question: every key we hold, under its MKI; None = no key yet (it asks again next packet)."""
        with self.lock:
            keys = list(self.keys.items())
            self.dec_keys = {mki for mki, _ in keys}
        if not keys:
            return None
        s = Gst.Structure.new_empty('application/x-srtp')
        for n, (mki, key) in enumerate(keys):
            sfx = '' if n == 0 else str(n + 1)
            s.set_value('mki' + sfx, Gst.Buffer.new_wrapped(bytes.fromhex(mki)))
            s.set_value('srtp-key' + sfx, Gst.Buffer.new_wrapped(key))
        for f in ('srtp-cipher', 'srtcp-cipher'):
            s.set_value(f, 'aes-128-icm')
        for f in ('srtp-auth', 'srtcp-auth'):
            s.set_value(f, 'hmac-sha1-80')
        caps = Gst.Caps.new_empty()
        caps.append_structure(s)
        return caps

    def packet_in(self, _pad, info):
        """Before srtpdec: settle the previous packet (it did not come out: dropped), note this one's MKI."""
        self.settle(passed=False)
        data = info.get_buffer().extract_dup(0, info.get_buffer().get_size())
        if len(data) > 12 + MKI_LEN + SRTP_AUTH_TAG:
            self.in_flight = (data[-SRTP_AUTH_TAG - MKI_LEN:-SRTP_AUTH_TAG].hex(), bool(data[1] & 0x80))
        return Gst.PadProbeReturn.OK

    def packet_out(self, _pad, _info):
        self.settle(passed=True)
        return Gst.PadProbeReturn.OK

    def settle(self, passed):
        if self.in_flight is None:
            return
        mki, marker = self.in_flight
        self.in_flight = None
        with self.lock:
            if passed:
                self.key_id = mki
            elif marker:                      # a frame ends with this packet: the frame is lost
                self.stats['authFailed' if mki in self.dec_keys else 'droppedNoKey'] += 1

    def on_frame(self, sink):
        sample = sink.emit('pull-sample')
        st = sample.get_caps().get_structure(0)
        buf = sample.get_buffer()
        with self.lock:
            self.frame = (st.get_value('width'), st.get_value('height'), buf.extract_dup(0, buf.get_size()))
            self.stats['decrypted'] += 1
            now = time.monotonic()
            first = self.last_frame_at is None or now - self.last_frame_at >= 1.0   # first, or after a gap
            self.last_frame_at = now
        if first:
            self.event('first-frame', mki=self.key_id)
        return Gst.FlowReturn.OK

    # ---- output ----
    def event(self, name, **kw):
        print(json.dumps({'ts': stamp(), 'service': self.a.service, 'event': name, **kw}), flush=True)

    def tick(self):
        with self.lock:
            line = {'ts': stamp(), 'service': self.a.service, **self.stats, 'keyId': self.key_id,
                    'keys': len(self.keys), 'lastError': self.last_error}
            frame = self.frame
        print(json.dumps(line), flush=True)
        if frame and self.a.snapshot:
            write_png(self.a.snapshot, *frame)
        return True

    def run(self):
        Gst.init(None)
        self.build()
        self.connect()
        threading.Thread(target=self.read_stkms, daemon=True).start()
        loop = GLib.MainLoop()
        GLib.timeout_add(1000, self.tick)
        if self.a.seconds:
            GLib.timeout_add(int(self.a.seconds * 1000), loop.quit)
        self.pipe.get_bus().add_signal_watch()
        self.pipe.get_bus().connect('message::error', lambda _b, m: (self.event('error', message=m.parse_error()[0].message), loop.quit()))
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, lambda: loop.quit() or False)   # SIGTERM: last line, then out
        self.pipe.set_state(Gst.State.PLAYING)
        try:
            loop.run()
        except KeyboardInterrupt:
            pass
        self.pipe.set_state(Gst.State.NULL)
        self.tick()
        self.mqtt.loop_stop()
        self.mqtt.disconnect()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--broker', default=os.environ.get('BCASTD_MQTT_URL', 'mqtt://127.0.0.1:1883'))
    ap.add_argument('--prefix', default='bcastd/v1')
    ap.add_argument('--device', default='sim')
    ap.add_argument('--username', default=os.environ.get('BCASTD_PLAYER_USERNAME'))
    ap.add_argument('--password', default=os.environ.get('BCASTD_PLAYER_PASSWORD'))
    ap.add_argument('--credentials', help='a JSON file {"username","password"} (mode 0600): the player login the '
                    'board gives (on the sim board: playerCredentials in the "bcastd started" line and runtime.json)')
    ap.add_argument('--service', default='urn:bcastd:sim:news', help='a label for the output lines')
    ap.add_argument('--rtp-port', type=int, required=True)
    ap.add_argument('--stkm-port', type=int, required=True)
    ap.add_argument('--snapshot', help='PNG of the last decoded frame, rewritten every second')
    ap.add_argument('--seconds', type=float, default=0, help='stop after this long (0: run until Ctrl-C)')
    ap.add_argument('--retry-sec', type=float, default=1.0, help='ask again for a key after this long without it')
    args = ap.parse_args()
    if args.credentials:
        if os.stat(args.credentials).st_mode & 0o077:
            ap.error(f'{args.credentials} is readable by others: chmod 600 it')
        with open(args.credentials) as f:
            login = json.load(f)
        args.username, args.password = login['username'], login['password']
    Player(args).run()


if __name__ == '__main__':
    main()
