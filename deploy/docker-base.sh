#!/bin/sh
# A stand-in for python:3.11-slim-bookworm made from Debian's packages alone, for a host that reaches
# a Debian mirror but not Docker Hub: debootstrap (minbase) with python3 (3.11), python3-venv and
# ca-certificates, imported as an image. The Dockerfile then builds on it:
#   deploy/docker-base.sh && docker build --network host --build-arg BASE_IMAGE=invest-portal-base:bookworm .
# Usage, as root with debootstrap installed: deploy/docker-base.sh [TAG]
# DEBIAN_MIRROR (default: debootstrap's) and DEBIAN_SECURITY_MIRROR (default: the mirror's
# debian-security beside it) are what the image's apt uses later, as in the official image:
# bookworm, bookworm-updates and bookworm-security.
set -eu
tag=${1:-invest-portal-base:bookworm}
root=$(mktemp -d /var/tmp/invest-portal-base.XXXXXX)
chmod 0755 "$root"  # the image's /: apt's _apt user and the portal's user go through it
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$root" ${DEBIAN_MIRROR:-}
mirror=$(awk '$1 == "deb" {print $2; exit}' "$root/etc/apt/sources.list")
security=${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
# The host's own trust anchors (LOCAL_CA_DIR, Debian's place for them; e.g. a proxy that re-signs
# TLS) are trusted in the image too, and pip (which has its own list) is told to use the system's.
for cert in "${LOCAL_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt; do
    [ ! -f "$cert" ] || cp "$cert" "$root/usr/local/share/ca-certificates/"
done
# the security and point-release updates debootstrap did not take, then no package lists in the image
chroot "$root" sh -c 'update-ca-certificates >/dev/null && apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q && apt-get clean'
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/apt/* "$root"/var/log/dpkg.log
tar -C "$root" --numeric-owner -c . | docker import --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["python3"]' - "$tag"
docker image ls "$tag"
