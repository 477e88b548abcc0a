package com.stateset.sandbox.docker;

import com.stateset.sandbox.spi.runtime.ProcessReaper;

/**
 * The sandbox's long-lived process, under the engine's init: it idles, and on SIGUSR1 reaps every
 * other process of the sandbox (see {@link ProcessReaper}). That is the last resort for a fork bomb
 * that holds every pid, when not even a new exec can start to kill the commands one by one: the
 * signal needs no new process.
 */
final class Supervisor {

    static final String SIGNAL = "USR1";

    static final String SCRIPT = ProcessReaper.FUNCTION + """
            chosen() {
              case "$1" in 1|"$$"|"$child") return 1 ;; *) return 0 ;; esac
            }
            trap reap USR1
            child=
            while :; do
              if [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; then
                sleep 2147483647 &
                child=$!
              fi
              wait "$child"
            done
            """;

    private Supervisor() {
    }
}
