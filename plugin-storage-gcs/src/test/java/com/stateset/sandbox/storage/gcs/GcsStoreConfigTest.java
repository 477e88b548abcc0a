package com.stateset.sandbox.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code storage.config} section, bound and validated the way the server does it. */
class GcsStoreConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    private static GcsStoreConfig bind(String json) throws Exception {
        return MAPPER.readValue(json, GcsStoreConfig.class);
    }

    /** The settings that fail validation, by name. */
    private static Set<String> invalid(GcsStoreConfig config) {
        return VALIDATOR.validate(config).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
                .collect(Collectors.toSet());
    }

    @Test
    void onlyTheBucketIsRequiredAndTheRestHasDefaults() throws Exception {
        GcsStoreConfig config = bind("{\"bucket\": \"sandbox-objects\"}");
        assertThat(invalid(config)).isEmpty();
        assertThat(config.prefix()).isEmpty();
        assertThat(config.projectId()).isNull();
        assertThat(config.credentialsFile()).isNull();
        assertThat(config.host()).isNull();
        assertThat(config.createBucket()).isFalse();
        assertThat(config.connectTimeoutSeconds()).isEqualTo(5);
        assertThat(config.readTimeoutSeconds()).isEqualTo(60);
        assertThat(config.maxAttempts()).isEqualTo(3);

        assertThat(invalid(bind("{}"))).containsExactly("bucket");
    }

    @Test
    void everySettingBinds() throws Exception {
        GcsStoreConfig config = bind("""
                {"projectId": "acme-sandbox", "bucket": "acme-sandbox-objects", "prefix": "install-1/",
                 "credentialsFile": "/etc/sandbox/gcs-key.json", "host": "http://127.0.0.1:4443",
                 "createBucket": true, "connectTimeoutSeconds": 2, "readTimeoutSeconds": 30, "maxAttempts": 5}
                """);
        assertThat(invalid(config)).isEmpty();
        assertThat(config.projectId()).isEqualTo("acme-sandbox");
        assertThat(config.prefix()).isEqualTo("install-1/");
        assertThat(config.credentialsFile()).isEqualTo("/etc/sandbox/gcs-key.json");
        assertThat(config.host()).isEqualTo("http://127.0.0.1:4443");
        assertThat(config.createBucket()).isTrue();
        assertThat(config.connectTimeoutSeconds()).isEqualTo(2);
        assertThat(config.readTimeoutSeconds()).isEqualTo(30);
        assertThat(config.maxAttempts()).isEqualTo(5);
    }

    @Test
    void unknownSettingsAreRefused() {
        assertThatThrownBy(() -> bind("{\"bucket\": \"b-1\", \"bukket\": \"b-1\"}"))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "sandbox-objects", "my_bucket.example.com", "a1x"})
    void validBucketNames(String bucket) {
        assertThat(invalid(new GcsStoreConfig().withBucket(bucket))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Sandbox", "-objects", "objects-", "with space", "a/b", ""})
    void invalidBucketNames(String bucket) {
        assertThat(invalid(new GcsStoreConfig().withBucket(bucket))).contains("bucket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "install-1", "install-1/", "tenants/acme", "tenants/acme/", "a.b/..c/d..e"})
    void validPrefixes(String prefix) {
        assertThat(invalid(new GcsStoreConfig().withBucket("objects").withPrefix(prefix))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/abs", "a//b", "..", "../up", "a/../b", "a/.", "./a", "a\\b", "tab\there", "//"})
    void invalidPrefixes(String prefix) {
        assertThat(invalid(new GcsStoreConfig().withBucket("objects").withPrefix(prefix))).containsExactly("prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:4443", "http://127.0.0.1:4443/storage/v1", "ftp://host", "http://"})
    void hostMustBeABaseUrl(String host) {
        assertThat(invalid(new GcsStoreConfig().withBucket("objects").withHost(host))).containsExactly("host");
    }

    @Test
    void timeoutsAndAttemptsAreBounded() throws Exception {
        assertThat(invalid(bind("""
                {"bucket": "objects", "connectTimeoutSeconds": 0, "readTimeoutSeconds": 0, "maxAttempts": 0}
                """))).containsExactlyInAnyOrder("connectTimeoutSeconds", "readTimeoutSeconds", "maxAttempts");
        assertThat(invalid(bind("{\"bucket\": \"objects\", \"maxAttempts\": 11}"))).containsExactly("maxAttempts");
    }
}
