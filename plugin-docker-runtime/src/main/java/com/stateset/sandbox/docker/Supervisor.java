package com.stateset.sandbox.docker;

import com.stateset.sandbox.spi.runtime.ProcessReaper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The sandbox's long-lived process, under the engine's init. It runs as root with one capability,
 * CAP_KILL, so that nothing of the sandbox user's can stop, trace or kill it. It ends the sandbox
 * at its deadline (the epoch second of its first argument, if any: the longest the sandbox may
 * live), server or no server: when it exits, init exits and the engine stops the container. It
 * idles until then, and on SIGUSR1 reaps every other process of the sandbox (see {@link
 * ProcessReaper}): the last resort for a fork bomb that holds every pid, when not even a new exec
 * can start to kill the commands one by one (the signal needs no new process). Signals that come
 * during a reap are dropped. The clock it
 * watches is /proc/uptime, read without a fork, so a fork bomb cannot keep it from the deadline.
 */
final class Supervisor {

    static final String SIGNAL = "USR1";

    static final String SCRIPT = ProcessReaper.FUNCTION + """
            chosen() {
              case "$1" in 1|"$$"|"$child") return 1 ;; *) return 0 ;; esac
            }
            # A signal that comes during a reap is dropped, not kept for later: the server signals
            # again if the sandbox still needs it, and a reap held back would kill the commands
            # that run once the sandbox has recovered.
            signalled() {
              trap '' USR1
              reap
              trap signalled USR1
            }
            trap signalled USR1
            child=
            end=
            if [ -n "${1:-}" ]; then
              read -r up _ < /proc/uptime
              end=$(( ${up%%.*} + $1 - $(date +%s) ))
            fi
            while :; do
              left=2147483647
              if [ -n "$end" ]; then
                read -r up _ < /proc/uptime
                left=$(( end - ${up%%.*} ))
                [ "$left" -gt 0 ] || exit 0
              fi
              if [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; then
                sleep "$left" &
                child=$!
              fi
              wait "$child"
            done
            """;

    private Supervisor() {
    }

    /**
     * The supervisor's arguments: the deadline of a sandbox that may live {@code maxLifetime} from
     * {@code now}, rounded up to the second so that it never comes before the server's own expiry.
     */
    static List<String> arguments(Instant now, Duration maxLifetime) {
        if (maxLifetime == null) {
            return List.of();
        }
        Instant end = now.plus(maxLifetime);
        return List.of(String.valueOf(end.getEpochSecond() + (end.getNano() > 0 ? 1 : 0)));
    }
}
