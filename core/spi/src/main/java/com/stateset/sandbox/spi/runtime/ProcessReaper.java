package com.stateset.sandbox.spi.runtime;

import com.stateset.sandbox.spi.Experimental;

/**
 * For runtimes that kill a command's processes from inside the sandbox: a shell function,
 * {@code reap}, that stops and then kills every process for which the caller's function {@code
 * chosen <pid>} succeeds. It stops them round after round until none is left running, so that
 * nothing can fork any more (a fork bomb outruns plain killing), then kills them all. A process
 * caught half-forked can escape a sweep (gVisor's kernel shows it only once the fork is done) and
 * would regrow the bomb, so sweeps repeat until one finds no live process left. Shell built-ins
 * only: it must work when a fork bomb holds every pid. (Each {@code 2>/dev/null} comes before the
 * file it guards: the shell reports a file that vanished while opening it before it applies a later
 * redirection.)
 */
@Experimental
public final class ProcessReaper {

    public static final String FUNCTION = """
            reap() {
              sweep=0
              while [ $sweep -lt 20 ]; do
                round=0
                while [ $round -lt 100 ]; do
                  running=0
                  for d in /proc/[0-9]*; do
                    live "${d#/proc/}" || continue
                    case "$stat" in *") T "*|*") t "*) ;; *) running=1 ;; esac
                    kill -STOP "${d#/proc/}" 2>/dev/null
                  done
                  [ $running = 0 ] && break
                  round=$((round + 1))
                done
                left=0
                for d in /proc/[0-9]*; do
                  live "${d#/proc/}" || continue
                  left=1
                  kill -9 "${d#/proc/}" 2>/dev/null
                done
                [ $left = 0 ] && break
                sweep=$((sweep + 1))
              done
            }
            live() {
              chosen "$1" || return 1
              stat=''
              read -r stat 2>/dev/null < "/proc/$1/stat" || return 1
              case "$stat" in *") Z "*|*") X "*) return 1 ;; esac
            }
            """;

    /**
     * A {@code chosen} for {@link #FUNCTION}: the processes whose environment holds {@code $marker}
     * (the shell's read drops NUL bytes, so the variables run together; a long random marker makes
     * a substring match exact enough).
     */
    public static final String CHOSEN_BY_MARKER = """
            chosen() {
              env=''
              read -r env 2>/dev/null < "/proc/$1/environ"
              case "$env" in *"$marker"*) return 0 ;; *) return 1 ;; esac
            }
            """;

    private ProcessReaper() {
    }
}
