package com.stateset.sandbox.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Request bodies keep JSON's types: a string field takes no number or boolean, a boolean no number
 * or string, a number no string; an integer field takes a whole number (JSON's 5.0 too, as JSON
 * Schema counts it an integer) and refuses a fraction rather than cutting it off. Each refusal is a
 * 400 naming the field, as for any other wrong type.
 */
public final class StrictScalars {

    private StrictScalars() {
    }

    public static void apply(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        SimpleModule wholeNumbers = new SimpleModule("whole-numbers");
        wholeNumbers.addDeserializer(Integer.class, new WholeNumber<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, null));
        wholeNumbers.addDeserializer(int.class, new WholeNumber<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, 0));
        wholeNumbers.addDeserializer(Long.class, new WholeNumber<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, null));
        wholeNumbers.addDeserializer(long.class, new WholeNumber<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, 0L));
        mapper.registerModule(wholeNumbers);
    }

    /** An int or a long from a JSON number without a fraction, within the type's range. */
    private static final class WholeNumber<T extends Number> extends StdScalarDeserializer<T> {
        private final Class<T> type;
        private final long min;
        private final long max;
        private final T whenNull;

        WholeNumber(Class<T> type, long min, long max, T whenNull) {
            super(type);
            this.type = type;
            this.min = min;
            this.max = max;
            this.whenNull = whenNull;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            BigDecimal value = p.getDecimalValue();
            if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
                return type.cast(ctxt.handleWeirdNumberValue(type, p.getNumberValue(), "not a whole number"));
            }
            if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
                return type.cast(ctxt.handleWeirdNumberValue(type, p.getNumberValue(), "out of range (" + min + " to " + max + ")"));
            }
            long whole = value.longValueExact();
            if (type == Integer.class) {
                return type.cast((int) whole);
            }
            return type.cast(whole);
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) {
            return whenNull;
        }
    }
}
