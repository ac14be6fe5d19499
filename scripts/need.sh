#!/usr/bin/env bash
# need.sh PACKAGE PROGRAM WHY: make sure PROGRAM (a command or a path) is there, installing Debian's PACKAGE when
# running as root; otherwise say what to install, and why, and fail.
set -euo pipefail
package=$1 program=$2 why=$3
command -v "$program" >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's $package ($why)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
else
  echo "$why: install the Debian package '$package'." >&2
  exit 2
fi
