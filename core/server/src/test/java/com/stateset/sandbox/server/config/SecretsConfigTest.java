package com.stateset.sandbox.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.config.StartupException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretsConfigTest {

    @Test
    void noKeyByDefaultOrWhenEmpty() {
        assertThat(new SecretsConfig().masterKey()).isEmpty();
        assertThat(new SecretsConfig("").masterKey()).isEmpty();
        assertThat(new SecretsConfig("  ").masterKey()).isEmpty();
    }

    @Test
    void aKeyIsBase64OfThirtyTwoBytes() {
        byte[] key = new byte[32];
        key[0] = 7;
        String encoded = Base64.getEncoder().encodeToString(key);
        assertThat(new SecretsConfig(encoded).masterKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(key));
        assertThat(new SecretsConfig(encoded + "\n").masterKey()).as("as read from a file").isPresent();
    }

    @Test
    void anyOtherKeyStopsTheStartWithoutQuotingIt() {
        String tooShort = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        for (String bad : new String[] {tooShort, "not-base64-at-all!!", "c2VjcmV0LWtleS1tYXRlcmlhbA=="}) {
            assertThatThrownBy(() -> new SecretsConfig(bad).masterKey())
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("secrets.masterKey: ")
                    .hasMessageNotContaining(bad);
        }
    }
}
