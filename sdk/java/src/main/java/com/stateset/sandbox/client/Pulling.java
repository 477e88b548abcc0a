package com.stateset.sandbox.client;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator over what {@link #pull} answers: null to pull again, until {@link #finished} is set. */
abstract class Pulling<T> implements Iterator<T> {

    private T next;
    /** Set when there is nothing more: the stream ended, or the caller closed it. */
    protected volatile boolean finished;

    /** The next item, or null when there is none yet (a reconnect, say) or any more ({@link #finished} set). */
    protected abstract T pull();

    @Override
    public final boolean hasNext() {
        while (next == null && !finished) {
            next = pull();
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = next;
        next = null;
        return item;
    }
}
