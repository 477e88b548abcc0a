package com.stateset.sandbox.docker;

/**
 * The sandbox's long-lived process, under the engine's init: it idles, and on SIGUSR1 stops, then
 * kills, every other process of the sandbox using shell built-ins only. That is the last resort
 * for a fork bomb that holds every pid, when not even a new exec can start to kill the commands
 * one by one: the signal needs no new process.
 */
final class Supervisor {

    static final String SIGNAL = "USR1";

    static final String SCRIPT = """
            reap() {
              round=0
              while [ $round -lt 100 ]; do
                running=0
                for d in /proc/[0-9]*; do
                  p=${d#/proc/}
                  case "$p" in 1|"$$"|"$child") continue ;; esac
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
                case "$p" in 1|"$$"|"$child") continue ;; esac
                kill -9 "$p" 2>/dev/null
              done
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
