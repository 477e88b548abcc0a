package com.stateset.sandbox.bench;

/** Times one run of an operation. */
@FunctionalInterface
interface Timer {

    void run() throws Exception;

    static long nanos(Timer operation) throws Exception {
        long start = System.nanoTime();
        operation.run();
        return System.nanoTime() - start;
    }

    /** Now, in nanoseconds since the epoch (to the clock's precision, microseconds here). */
    static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
