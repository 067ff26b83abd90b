#!/bin/sh
# A lab CA for a bcastd fleet: the CA, the central broker's certificate and one client certificate per
# device (CN = device id, which the central broker takes as the user name for its ACL). Needs `openssl`.
#
#   make-certs.sh OUTDIR CENTRAL_NAMES [DEVICE_ID ...]
#
#   OUTDIR          where everything goes; an existing CA there is reused, existing certificates are kept
#   CENTRAL_NAMES   the central broker's names, comma-separated, as devices dial them (DNS names or IPs):
#                   central.example.net,10.0.0.5
#   DEVICE_ID       board deviceIds (e.g. stb-0042); also operator consoles (e.g. ops)
#
# Result:
#   OUTDIR/ca/fleet-ca.crt, fleet-ca.key        the CA (keep the key offline)
#   OUTDIR/central/central.crt, central.key     for central-broker.conf
#   OUTDIR/devices/<id>/<id>.crt, <id>.key      for that device's bridge (or bcastd's mqtt.tls)
#   OUTDIR/devices/<id>/fleet-ca.crt            the CA certificate it verifies the central broker with
# Keys are EC P-256, mode 0600. Validity: DAYS (default 825) for leaves, CA_DAYS (default 3650) for the CA.
# For production use your PKI; this is for a lab and for the tests (test/integration/mqtt-tls/fleet.test.ts).
set -eu

[ $# -ge 2 ] || { sed -n '4,9p' "$0" >&2; exit 2; }
out=$1
names=$2
shift 2
days=${DAYS:-825}
ca_days=${CA_DAYS:-3650}
umask 022

mkdir -p "$out/ca" "$out/central" "$out/devices"
ca_crt=$out/ca/fleet-ca.crt
ca_key=$out/ca/fleet-ca.key

# A private key, created 0600 (never readable by others, not even for a moment).
newkey() { (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"); }

# leaf NAME DIR CN EXTENSIONS...: key + certificate signed by the CA (kept when it exists).
leaf() {
  name=$1 dir=$2 cn=$3
  shift 3
  [ -f "$dir/$name.crt" ] && { echo "kept $dir/$name.crt"; return; }
  newkey "$dir/$name.key"
  printf '%s\n' "$@" > "$dir/$name.ext"
  openssl req -new -key "$dir/$name.key" -subj "/CN=$cn" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca_crt" -CAkey "$ca_key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$days" -extfile "$dir/$name.ext" -out "$dir/$name.crt"
  chmod 644 "$dir/$name.crt"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  echo "made $dir/$name.crt (CN=$cn)"
}

if [ ! -f "$ca_crt" ]; then
  newkey "$ca_key"
  openssl req -x509 -new -key "$ca_key" -subj "/CN=bcastd fleet lab CA" -days "$ca_days" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$ca_crt"
  chmod 644 "$ca_crt"
  echo "made $ca_crt"
fi

# The central broker: every name it is dialled by goes into subjectAltName (IP: for addresses).
san=
first=
for n in $(echo "$names" | tr ',' ' '); do
  case $n in
    *[!0-9.]*) case $n in *:*) entry="IP:$n" ;; *) entry="DNS:$n" ;; esac ;;
    *) entry="IP:$n" ;;
  esac
  san=${san:+$san,}$entry
  first=${first:-$n}
done
[ -n "$san" ] || { echo "no central broker name given" >&2; exit 2; }
leaf central "$out/central" "$first" "basicConstraints=CA:FALSE" "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth" "subjectAltName=$san"

for id in "$@"; do
  case $id in
    *[!A-Za-z0-9._-]*|'') echo "device id '$id': use letters, digits, '.', '_' or '-' (it becomes an MQTT topic level)" >&2; exit 2 ;;
  esac
  mkdir -p "$out/devices/$id"
  leaf "$id" "$out/devices/$id" "$id" "basicConstraints=CA:FALSE" "keyUsage=digitalSignature" "extendedKeyUsage=clientAuth"
  cp "$ca_crt" "$out/devices/$id/fleet-ca.crt"
  chmod 644 "$out/devices/$id/fleet-ca.crt"
done
