# Sourced by the scripts that build everything: puts a Go toolchain (1.22 or newer) on PATH for the
# in-sandbox agent (agent/), which the build compiles: go on PATH, else /usr/local/go.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    PATH="$PATH:/usr/local/go/bin"
fi
go_minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$go_minor" ] || [ "$go_minor" -lt 22 ]; then
    echo "Go 1.22 or newer is needed to build the in-sandbox agent: install it (https://go.dev/dl/) and put it on PATH." >&2
    exit 1
fi
export PATH GOTOOLCHAIN=local
