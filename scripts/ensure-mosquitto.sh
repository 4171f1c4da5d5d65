#!/usr/bin/env bash
# Make sure the Mosquitto MQTT broker answers on 127.0.0.1:1883, and that mosquitto_pub /
# mosquitto_sub exist. Installs Debian's mosquitto and mosquitto-clients when missing,
# starts the broker with the machine's config when the port is closed.
set -euo pipefail
HOST=${MQTT_HOST:-127.0.0.1}
PORT=${MQTT_PORT:-1883}
open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }
if ! command -v mosquitto >/dev/null && ! [ -x /usr/sbin/mosquitto ] \
    || ! command -v mosquitto_pub >/dev/null || ! command -v mosquitto_sub >/dev/null; then
  echo "Mosquitto not installed; installing Debian's mosquitto and mosquitto-clients" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
fi
if open; then exit 0; fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
echo "starting Mosquitto on $HOST:$PORT" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO mkdir -p /run/mosquitto /var/lib/mosquitto /var/log/mosquitto
$SUDO chown -R mosquitto: /run/mosquitto /var/lib/mosquitto /var/log/mosquitto 2>/dev/null || true
$SUDO "$MOSQUITTO" -d -c /etc/mosquitto/mosquitto.conf
for _ in $(seq 1 30); do open && exit 0; sleep 0.5; done
echo "Mosquitto did not start on $HOST:$PORT" >&2
exit 1
