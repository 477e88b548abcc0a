package com.stateset.sandbox.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void keysCarryTheirPrefixAnd256RandomBits() {
        String key = ApiKeys.generate();
        assertThat(key).startsWith("sk-sandbox-");
        byte[] random = Base64.getUrlDecoder().decode(key.substring(ApiKeys.PREFIX.length()));
        assertThat(random).hasSize(32);
        assertThat(ApiKeys.wellFormed(key)).isTrue();
        assertThat(ApiKeys.displayPrefix(key)).hasSize(15).isEqualTo(key.substring(0, 15));

        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(ApiKeys.generate());
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void hashIsSha256Hex() {
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeys.sameHash(ApiKeys.hash("a"), ApiKeys.hash("a"))).isTrue();
        assertThat(ApiKeys.sameHash(ApiKeys.hash("a"), ApiKeys.hash("b"))).isFalse();
    }

    @Test
    void malformedKeysAreRecognisedWithoutALookUp() {
        assertThat(ApiKeys.wellFormed(null)).isFalse();
        assertThat(ApiKeys.wellFormed("sk-sandbox-short")).isFalse();
        assertThat(ApiKeys.wellFormed("sk-other-" + "a".repeat(45))).isFalse();
        assertThat(ApiKeys.wellFormed("sk-sandbox-" + "a".repeat(42) + "!")).isFalse();
    }
}
