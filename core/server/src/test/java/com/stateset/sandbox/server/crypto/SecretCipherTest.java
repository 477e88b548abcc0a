package com.stateset.sandbox.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key = key();
    private final SecretCipher cipher = new SecretCipher(key);

    @Test
    void roundTripsAnyValue() {
        for (String value : new String[] {"x", "hunter2", "line one\nline two\t\"quoted\"", "päss wörd ✓ 🔑", "v".repeat(64 * 1024)}) {
            String stored = cipher.encrypt("org_a", "API_TOKEN", value);
            assertThat(cipher.decrypt("org_a", "API_TOKEN", stored)).isEqualTo(value);
        }
    }

    @Test
    void storedFormIsVersionedNamesTheKeyAndHoldsNoPlaintext() {
        String stored = cipher.encrypt("org_a", "API_TOKEN", "hunter2-plaintext");
        assertThat(stored).startsWith("v1:" + cipher.keyId() + ":").startsWith(cipher.storedPrefix());
        assertThat(cipher.keyId()).matches("[0-9a-f]{16}");
        assertThat(stored).doesNotContain("hunter2").doesNotContain(Base64.getEncoder().encodeToString(key));
        byte[] payload = Base64.getDecoder().decode(stored.substring(cipher.storedPrefix().length()));
        assertThat(payload).hasSize(12 + "hunter2-plaintext".length() + 16).as("nonce, ciphertext, 128-bit tag");
        assertThat(new SecretCipher(key.clone()).keyId()).isEqualTo(cipher.keyId());
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        Set<String> nonces = new HashSet<>();
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String value = cipher.encrypt("org_a", "SAME", "same value");
            stored.add(value);
            byte[] payload = Base64.getDecoder().decode(value.substring(cipher.storedPrefix().length()));
            nonces.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(payload, 12)));
        }
        assertThat(nonces).hasSize(100);
        assertThat(stored).hasSize(100);
    }

    @Test
    void anAlteredValueFailsAuthentication() {
        String stored = cipher.encrypt("org_a", "API_TOKEN", "hunter2");
        byte[] payload = Base64.getDecoder().decode(stored.substring(cipher.storedPrefix().length()));
        for (int position : new int[] {0, 12, payload.length - 1}) {
            byte[] altered = payload.clone();
            altered[position] ^= 1;
            String tampered = cipher.storedPrefix() + Base64.getEncoder().encodeToString(altered);
            assertThatThrownBy(() -> cipher.decrypt("org_a", "API_TOKEN", tampered))
                    .isInstanceOf(SecretCipher.UnreadableSecretException.class)
                    .hasMessageContaining("authentication");
        }
        String truncated = stored.substring(0, stored.length() - 8);
        assertThatThrownBy(() -> cipher.decrypt("org_a", "API_TOKEN", truncated))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class);
        assertThatThrownBy(() -> cipher.decrypt("org_a", "API_TOKEN", "hunter2"))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> cipher.decrypt("org_a", "API_TOKEN", "v2" + stored.substring(2)))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageContaining("version");
    }

    @Test
    void aValueMovedToAnotherSecretOrOrganizationDoesNotDecrypt() {
        String stored = cipher.encrypt("org_a", "API_TOKEN", "hunter2");
        assertThatThrownBy(() -> cipher.decrypt("org_b", "API_TOKEN", stored))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageContaining("authentication");
        assertThatThrownBy(() -> cipher.decrypt("org_a", "OTHER_TOKEN", stored))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageContaining("authentication");
        assertThatThrownBy(() -> cipher.decrypt("org_aAPI", "_TOKEN", stored)).as("the parts cannot be re-split")
                .isInstanceOf(SecretCipher.UnreadableSecretException.class);
    }

    @Test
    void anotherKeyCannotDecrypt() {
        String stored = cipher.encrypt("org_a", "API_TOKEN", "hunter2");
        SecretCipher other = new SecretCipher(key());
        assertThat(other.keyId()).isNotEqualTo(cipher.keyId());
        assertThatThrownBy(() -> other.decrypt("org_a", "API_TOKEN", stored))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class)
                .hasMessageContaining("another master key")
                .hasMessageNotContaining("hunter2");
        // Even with the key id rewritten to the other key's, the tag does not verify.
        String relabelled = other.storedPrefix() + stored.substring(cipher.storedPrefix().length());
        assertThatThrownBy(() -> other.decrypt("org_a", "API_TOKEN", relabelled))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageContaining("authentication");
    }

    @Test
    void onlyA256BitKeyIsAccepted() {
        assertThatThrownBy(() -> new SecretCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretCipher(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }
}
