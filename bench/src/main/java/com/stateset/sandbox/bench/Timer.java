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
}
