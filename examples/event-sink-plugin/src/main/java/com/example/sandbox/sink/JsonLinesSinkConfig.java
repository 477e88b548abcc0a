package com.example.sandbox.sink;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;

/**
 * The {@code config} section of the sink in the server's YAML. Jackson and validation annotations
 * only: the server binds it strictly and names the YAML path of any setting it refuses.
 *
 * @param path the file events are appended to; created, with its directories, if missing
 */
public record JsonLinesSinkConfig(@JsonProperty("path") @NotBlank String path) {
}
