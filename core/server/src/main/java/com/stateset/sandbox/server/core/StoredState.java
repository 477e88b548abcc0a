package com.stateset.sandbox.server.core;

/** Where a checkpoint's or artifact's row stands relative to its objects. */
public enum StoredState {
    /** The row exists; its objects are being written (or a crash left them half-written). */
    UPLOADING,
    /** Every object is stored; the API shows the row. */
    READY,
    /** Hidden; its objects are being removed, then the row is. */
    DELETING;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
