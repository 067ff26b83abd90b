// The Debian packages the test suite needs, each with the command or file that proves it is installed.
// One table, read by scripts/test.mjs (install or name them) and mirrored in .ci/run.
export const SYSTEM_DEPS = [
  { command: 'tshark', pkg: 'tshark', why: 'independent cross-check of SMS and MIKEY encodings' },
  { command: 'text2pcap', pkg: 'wireshark-common', why: 'wraps PDUs into pcap for tshark' },
  { command: 'socat', pkg: 'socat', why: 'receives sd_notify datagrams in the native tests' },
  { command: 'pcscd', pkg: 'pcscd', why: 'real PC/SC daemon for the card tests' },
  { file: '/etc/reader.conf.d/vpcd', pkg: 'vsmartcard-vpcd', why: 'virtual reader driver the virtual USIM attaches to' },
  { file: '/usr/include/PCSC/winscard.h', pkg: 'libpcsclite-dev', why: 'headers the optional pcsclite binding compiles against' },
  { command: 'mosquitto', pkg: 'mosquitto', why: 'real MQTT 5 broker for the daemon tests' },
  { command: 'openssl', pkg: 'openssl', why: 'throwaway CA and certificates for the MQTT TLS tests' },
  { command: 'gcore', pkg: 'gdb', why: 'dumps the live daemon in the secrets audit (test/serial/system/core-dump)' },
  { command: 'gst-launch-1.0', pkg: 'gstreamer1.0-tools', why: 'renders the reference test pattern for the player test' },
  { file: '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstjpeg.so', pkg: 'gstreamer1.0-plugins-good', why: 'JPEG + RTP (de)payloading of the simulated broadcast' },
  { file: '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstsrtp.so', pkg: 'gstreamer1.0-plugins-bad', why: 'srtpenc / srtpdec (libsrtp2): the protected broadcast and the reference player' },
  { file: '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstpango.so', pkg: 'gstreamer1.0-x', why: 'clockoverlay: the visible clock of the broadcast' },
  { file: '/usr/lib/python3/dist-packages/gi/overrides/Gst.py', pkg: 'python3-gst-1.0', why: 'GStreamer from Python: the broadcast sender and examples/player' },
  { file: '/usr/lib/python3/dist-packages/paho/mqtt/client.py', pkg: 'python3-paho-mqtt', why: 'MQTT 5 client of examples/player' },
];
