package com.stateset.sandbox.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.errors.DomainException;
import org.junit.jupiter.api.Test;

class ProcessSignalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void namesInAnyCaseWithOrWithoutSigAndWholeNumbers() throws Exception {
        assertThat(ProcessService.signalNumber(json("\"TERM\""))).isEqualTo(15);
        assertThat(ProcessService.signalNumber(json("\"sigint\""))).isEqualTo(2);
        assertThat(ProcessService.signalNumber(json("9"))).isEqualTo(9);
        assertThat(ProcessService.signalNumber(json("18.0"))).as("JSON's 18.0 is the integer 18").isEqualTo(18);
    }

    @Test
    void anythingElseNamesTheField() {
        for (String signal : new String[] {"\"BOGUS\"", "\"9\"", "0", "65", "18.5", "1e300", "true", "null"}) {
            assertThatThrownBy(() -> ProcessService.signalNumber(json(signal))).as(signal)
                    .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.details()).containsEntry("field", "signal"));
        }
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
