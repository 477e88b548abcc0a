package com.stateset.sandbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

    @ParameterizedTest
    @CsvSource({"1,1000", "0.5,500", "500m,500", "2.25,2250", "4,4000", "1m,1"})
    void parsesCpus(String quantity, long millis) {
        assertThat(Quantities.cpuMillis(quantity)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "0", "0m", "1.5m", "1e3", " 1", "0.0001", "1Gi"})
    void refusesMalformedCpus(String quantity) {
        assertThatThrownBy(() -> Quantities.cpuMillis(quantity)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"512Mi,536870912", "1Gi,1073741824", "500M,500000000", "1024,1024", "1.5Gi,1610612736", "64Ki,65536", "2G,2000000000"})
    void parsesSizes(String quantity, long bytes) {
        assertThat(Quantities.bytes(quantity)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1Gi", "0", "0Mi", "1GB", "1gi", "Mi", "99999999999Pi"})
    void refusesMalformedSizes(String quantity) {
        assertThatThrownBy(() -> Quantities.bytes(quantity)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void refusesNull() {
        assertThatThrownBy(() -> Quantities.bytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantities.cpuMillis(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
