package com.stateset.sandbox.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrictScalarsTest {

    record Body(String name, Boolean flag, boolean primitive, Integer count, int size, Long big) {
    }

    private final ObjectMapper mapper = strict();

    @Test
    void rightTypesReadAsBeforeWholeFloatsIncluded() throws Exception {
        Body body = mapper.readValue("{\"name\":\"x\",\"flag\":true,\"primitive\":false,\"count\":5.0,\"size\":7,\"big\":1e10}", Body.class);
        assertThat(body).isEqualTo(new Body("x", true, false, 5, 7, 10_000_000_000L));
        assertThat(mapper.readValue("{\"count\":null,\"size\":null}", Body.class)).isEqualTo(new Body(null, null, false, null, 0, null));
    }

    @Test
    void wrongTypesFractionsAndOverflowsNameTheirField() {
        String[][] cases = {
            {"{\"name\":false}", "name"}, {"{\"name\":12}", "name"}, {"{\"name\":1.5}", "name"},
            {"{\"flag\":0}", "flag"}, {"{\"flag\":\"true\"}", "flag"}, {"{\"primitive\":1}", "primitive"},
            {"{\"count\":\"5\"}", "count"}, {"{\"count\":2.5}", "count"}, {"{\"count\":2.589e-42}", "count"},
            {"{\"size\":3000000000}", "size"}, {"{\"size\":true}", "size"}, {"{\"big\":1e30}", "big"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> mapper.readValue(c[0], Body.class)).as(c[0])
                    .isInstanceOfSatisfying(JsonMappingException.class,
                            e -> assertThat(e.getPath()).extracting(JsonMappingException.Reference::getFieldName).containsExactly(c[1]));
        }
    }

    private static ObjectMapper strict() {
        ObjectMapper mapper = new ObjectMapper();
        StrictScalars.apply(mapper);
        return mapper;
    }
}
