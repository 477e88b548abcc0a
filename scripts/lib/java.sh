# Sourced by the scripts: exports JAVA_HOME as a JDK 21 or newer (JAVA_HOME if it is one, else
# the java on PATH, else the newest under /usr/lib/jvm or macOS's JavaVirtualMachines).

jdk_version() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

find_jdk() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    local dir
    for dir in $(ls -d /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV); do
        candidates+=("$dir")
    done
    for dir in "${candidates[@]}"; do
        if [ -x "$dir/bin/javac" ]; then
            local version
            version=$(jdk_version "$dir")
            if [ -n "$version" ] && [ "$version" -ge 21 ]; then
                echo "$dir"
                return 0
            fi
        fi
    done
    return 1
}

JAVA_HOME=$(find_jdk) || {
    echo "A JDK 21 or newer is needed: install one (e.g. Temurin 21) or set JAVA_HOME to it." >&2
    exit 1
}
export JAVA_HOME
