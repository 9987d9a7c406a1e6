#!/usr/bin/env bash
# Installs every Debian 12 package Stampede needs to build, test and run, and nothing else.
# Idempotent: packages already present are skipped, so a second run does no network work.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  # Qt 6 (HttpServer needs websockets; QCustomPlot needs PrintSupport, part of qt6-base-dev)
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
  libqt6sql6-sqlite libqt6sql6-mysql libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6 qtkeychain-qt6-dev
  # engine libraries
  libabsl-dev librdkafka-dev libhiredis-dev libcli11-dev
  # captures: gzip and zstd (stampede_capture)
  zlib1g-dev libzstd-dev
  # the HTTP ingress: Boost.Beast on Asio (header-only)
  libboost1.74-dev
  # metrics in the Prometheus text format, and promtool to check them in the tests
  prometheus-cpp-dev prometheus
  # the outbox by SMTP (libcurl), and a real SMTP server for its test
  libcurl4-openssl-dev python3-aiosmtpd
  # servers and tools for tests and demos
  redis-server redis-tools mariadb-server mariadb-client kcat
  xvfb xauth fonts-dejavu-core linux-perf
  # real HTTP clients for the serve tests and benchmark, and nginx as the benchmark's reference
  curl wrk nginx-light
  # a Secret Service for the keychain tests (run in a private D-Bus session)
  gnome-keyring dbus
  # the comparison report looked at as a reader would: the HTML in headless Chromium, the PDF
  # through pdftoppm/pdftotext
  chromium poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Servers must not start at install time (no init here, and tests start their own on loopback).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
