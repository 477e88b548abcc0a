# Run in a new image as the sandbox user, without network, before it is tagged: the commands the
# server runs inside every sandbox (REQUIRED), the user, directories and certificates every image
# has, then the template's own check (CHECK). Commands of optional packages (OPTIONAL) that are
# missing are reported, not failed.
rc=0
for c in $REQUIRED; do
    command -v "$c" >/dev/null 2>&1 || { echo "missing command: $c"; rc=1; }
done
for c in $OPTIONAL; do
    command -v "$c" >/dev/null 2>&1 || echo "optional command missing: $c"
done
[ "$(id -u):$(id -g)" = "$UIDGID" ] || { echo "runs as $(id -u):$(id -g), expected $UIDGID"; rc=1; }
[ "$(pwd)" = /workspace ] && [ -w /workspace ] || { echo "/workspace is not the writable working directory"; rc=1; }
[ -w "$HOME" ] || { echo "home $HOME is not writable"; rc=1; }
[ -s /etc/ssl/certs/ca-certificates.crt ] || { echo "ca-certificates missing"; rc=1; }
[ "$rc" = 0 ] || exit "$rc"
eval "$CHECK"
