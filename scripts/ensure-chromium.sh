#!/usr/bin/env bash
# The studio's browser tests drive Debian's Chromium; install it when it is missing.
set -euo pipefail
# fonts-noto-cjk: without a CJK font the zh-CN pages (and their screenshots) show boxes.
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/opentype/noto ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "need /usr/bin/chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk"; exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
