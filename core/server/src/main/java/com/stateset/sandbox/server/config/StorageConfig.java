package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Where checkpoints and artifacts are kept: {@code type} {@code local} (built in: files under the
 * data directory) or a plugin's store such as {@code s3} or {@code gcs}, with its settings under
 * {@code config}.
 */
public class StorageConfig extends ExtensionConfig {

    /** How often expired artifacts and abandoned uploads are swept. */
    @JsonProperty
    @Min(1)
    @Max(3600)
    private int sweepIntervalSeconds = 30;

    /**
     * An upload still unfinished after this long was abandoned by a crashed server: its object and
     * row are removed.
     */
    @JsonProperty
    @Min(1)
    @Max(7 * 24 * 60)
    private int abandonedUploadMinutes = 60;

    public StorageConfig() {
        super("local", null);
    }

    public int sweepIntervalSeconds() {
        return sweepIntervalSeconds;
    }

    public int abandonedUploadMinutes() {
        return abandonedUploadMinutes;
    }
}
