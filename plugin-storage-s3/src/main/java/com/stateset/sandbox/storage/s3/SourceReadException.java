package com.stateset.sandbox.storage.s3;

import java.io.IOException;

/** Reading the caller's data failed: the caller's problem, never a sign that S3 is down. */
final class SourceReadException extends IOException {

    SourceReadException(String message, IOException cause) {
        super(message, cause);
    }
}
