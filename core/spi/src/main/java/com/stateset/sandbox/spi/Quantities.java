package com.stateset.sandbox.spi;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes-style resource quantities, as the API and the configuration write them: CPUs as
 * {@code "1"}, {@code "0.5"} or {@code "500m"}; sizes as {@code "512Mi"}, {@code "1Gi"},
 * {@code "500M"} or a plain number of bytes.
 */
public final class Quantities {

    /** A CPU quantity; usable in {@code @Pattern}. */
    public static final String CPU_PATTERN = "^([0-9]+(\\.[0-9]{1,3})?|[0-9]+m)$";

    /** A size quantity; usable in {@code @Pattern}. */
    public static final String SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$";

    private static final Pattern CPU = Pattern.compile(CPU_PATTERN);
    private static final Pattern SIZE = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$");
    private static final Map<String, BigDecimal> SIZE_UNITS = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("K", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("P", BigDecimal.valueOf(1_000_000_000_000_000L)),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)));
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {
    }

    /** Thousandths of a core; throws {@link IllegalArgumentException} for a malformed or zero value. */
    public static long cpuMillis(String quantity) {
        if (quantity == null || !CPU.matcher(quantity).matches()) {
            throw new IllegalArgumentException("not a CPU quantity such as \"1\", \"0.5\" or \"500m\": " + quantity);
        }
        BigDecimal millis = quantity.endsWith("m")
                ? new BigDecimal(quantity.substring(0, quantity.length() - 1))
                : new BigDecimal(quantity).movePointRight(3);
        return positive(millis, quantity);
    }

    /** Bytes; throws {@link IllegalArgumentException} for a malformed or zero value. */
    public static long bytes(String quantity) {
        Matcher m = quantity == null ? null : SIZE.matcher(quantity);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a size such as \"512Mi\", \"1Gi\" or \"500M\": " + quantity);
        }
        String unit = m.group(2) == null ? "" : m.group(2);
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(SIZE_UNITS.get(unit));
        return positive(bytes, quantity);
    }

    private static long positive(BigDecimal value, String quantity) {
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("must be greater than zero: " + quantity);
        }
        if (value.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("too large: " + quantity);
        }
        return value.setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
