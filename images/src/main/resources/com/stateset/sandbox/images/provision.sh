# Provisions a template image as root, inside the image (a chroot, or a Dockerfile's RUN). POSIX sh:
# it runs under the image's /bin/sh (dash). The builder puts PACKAGES, NPM_PACKAGES, SANDBOX_UID,
# SANDBOX_GID and SANDBOX_HOME above this line.
set -eu
export DEBIAN_FRONTEND=noninteractive
# Reasons why optional packages are missing; read back by the builder.
notes=/tmp/.stateset-build-notes

apt-get -o Acquire::Languages=none update
apt-get -y -o Dpkg::Options::=--force-confold upgrade
# Word splitting of the package lists is intended.
apt-get install -y --no-install-recommends $PACKAGES

for pkg in $NPM_PACKAGES; do
    if npm install -g --no-fund --no-audit --no-update-notifier "$pkg" >/tmp/npm-install.log 2>&1; then
        cat /tmp/npm-install.log
    else
        rc=$?
        cat /tmp/npm-install.log
        reason=$(grep -E '^npm (ERR|error)' /tmp/npm-install.log | head -n 3 | tr '\n' ' ')
        echo "WARNING: npm install -g $pkg failed (exit $rc); the image is built without it. $reason" >&2
        echo "npm install -g $pkg failed (exit $rc): ${reason:-see the build log}" >>"$notes"
    fi
done
# Debian's npm 9 does not filter optional dependencies by libc, so packages that
# ship per-platform native builds also get their musl variants (hundreds of MB
# for some CLIs). Debian is glibc-based; those copies are never used.
if [ -n "$NPM_PACKAGES" ] && [ -d /usr/local/lib/node_modules ]; then
    find /usr/local/lib/node_modules -type d -path '*/node_modules/@*/*' -name '*-linux-*-musl' \
        -prune -exec rm -rf {} +
fi

if ! getent group sandbox >/dev/null; then
    groupadd --gid "$SANDBOX_GID" sandbox
fi
if ! getent passwd sandbox >/dev/null; then
    useradd --no-log-init --uid "$SANDBOX_UID" --gid "$SANDBOX_GID" \
        --home-dir "$SANDBOX_HOME" --create-home --shell /bin/bash sandbox
fi
install -d -o "$SANDBOX_UID" -g "$SANDBOX_GID" -m 0700 "$SANDBOX_HOME"
chown "$SANDBOX_UID:$SANDBOX_GID" "$SANDBOX_HOME"
chmod 0700 "$SANDBOX_HOME"
install -d -o "$SANDBOX_UID" -g "$SANDBOX_GID" -m 0755 /workspace
chown "$SANDBOX_UID:$SANDBOX_GID" /workspace
chmod 0755 /workspace

apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
    /var/lib/dpkg/*-old /root/.npm /root/.cache
find /var/log -type f -exec truncate -s 0 {} +
find /tmp /var/tmp -mindepth 1 -maxdepth 1 ! -name .stateset-build-notes -exec rm -rf {} +
if [ "${KEEP_BUILD_NOTES:-0}" != 1 ] && [ -f "$notes" ]; then
    cat "$notes" >&2
    rm -f "$notes"
fi
