package com.stateset.sandbox.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpiVersionTest {

    @Test
    void theBuildWritesASemanticVersion() {
        assertThat(SpiVersion.current()).as("spi.properties filtered from spi.version").matches("\\d+\\.\\d+\\.\\d+");
    }
}
