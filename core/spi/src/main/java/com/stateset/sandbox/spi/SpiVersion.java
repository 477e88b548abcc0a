package com.stateset.sandbox.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this SPI, which a plugin names in its {@code plugin.requires} (for instance
 * {@code ^1.0.0}): the server refuses at start a plugin whose requirement this version does not meet.
 * A minor version adds to the SPI and keeps what a plugin built against an earlier minor version
 * uses; a major version may break it. Elements marked {@link Experimental} may change in a minor
 * version.
 */
public final class SpiVersion {

    private static final String CURRENT = read();

    private SpiVersion() {
    }

    /** This SPI's semantic version, such as {@code 1.0.0}. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        // Written by the build from the spi.version property, the one place the version is kept.
        try (InputStream in = SpiVersion.class.getResourceAsStream("spi.properties")) {
            if (in == null) {
                throw new IllegalStateException("spi.properties is missing from the SPI jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
