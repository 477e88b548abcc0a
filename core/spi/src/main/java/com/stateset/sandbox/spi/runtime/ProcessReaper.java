package com.stateset.sandbox.spi.runtime;

/**
 * For runtimes that kill a command's processes from inside the sandbox: a shell function,
 * {@code reap}, that stops and then kills every process for which the caller's function {@code
 * chosen <pid>} succeeds. It stops them round after round until none is left running, so that
 * nothing can fork any more (a fork bomb outruns plain killing), then kills them all. Shell
 * built-ins only: it must work when a fork bomb holds every pid.
 */
public final class ProcessReaper {

    public static final String FUNCTION = """
            reap() {
              round=0
              while [ $round -lt 100 ]; do
                running=0
                for d in /proc/[0-9]*; do
                  p=${d#/proc/}
                  chosen "$p" || continue
                  stat=''
                  read -r stat < "$d/stat" 2>/dev/null || continue
                  case "$stat" in *") T "*|*") t "*|*") Z "*|*") X "*) ;; *) running=1 ;; esac
                  kill -STOP "$p" 2>/dev/null
                done
                [ $running = 0 ] && break
                round=$((round + 1))
              done
              for d in /proc/[0-9]*; do
                p=${d#/proc/}
                chosen "$p" && kill -9 "$p" 2>/dev/null
              done
            }
            """;

    private ProcessReaper() {
    }
}
