package com.stateset.sandbox.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.stateset.sandbox.testing.ConfigSections.invalidSettings;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.stateset.sandbox.testing.ConfigSections;
import org.junit.jupiter.api.Test;

/** The {@code storage.config} section bound as the server binds it: strictly, then validated. */
class S3StoreConfigTest {

    @Test
    void aBucketAloneIsEnoughAndTheRestHasDefaults() throws Exception {
        S3StoreConfig config = bind("bucket: sandbox-objects");
        assertThat(invalidSettings(config)).isEmpty();
        assertThat(config.endpoint()).isEqualTo("https://s3.amazonaws.com");
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.keyPrefix()).isEmpty();
        assertThat(config.accessKey()).isNull();
        assertThat(config.pathStyle()).isFalse();
        assertThat(config.createBucket()).isFalse();
        assertThat(config.connectTimeoutSeconds()).isEqualTo(10);
        assertThat(config.readTimeoutSeconds()).isEqualTo(60);
    }

    @Test
    void aFullSectionBinds() throws Exception {
        S3StoreConfig config = bind("""
                endpoint: http://minio:9000
                region: eu-west-3
                bucket: my.bucket-1
                prefix: sandbox/objects
                accessKey: minio
                secretKey: minio-secret
                pathStyle: true
                createBucket: true
                connectTimeoutSeconds: 2
                readTimeoutSeconds: 30
                """);
        assertThat(invalidSettings(config)).isEmpty();
        assertThat(config.keyPrefix()).isEqualTo("sandbox/objects/");
        assertThat(config.secretKey()).isEqualTo("minio-secret");
        assertThat(config.pathStyle()).isTrue();
    }

    @Test
    void theBucketIsRequiredAndFollowsS3Naming() throws Exception {
        assertThat(invalidSettings(bind("region: us-east-1"))).containsExactly("bucket");
        for (String bad : new String[] {"ab", "My_Bucket", "-bucket", "bucket-", "a..b", "192.168.1.10", "x".repeat(64)}) {
            assertThat(invalidSettings(bind("bucket: '" + bad + "'"))).as(bad).containsExactly("bucket");
        }
        for (String good : new String[] {"abc", "my.bucket-1", "x".repeat(63)}) {
            assertThat(invalidSettings(bind("bucket: '" + good + "'"))).as(good).isEmpty();
        }
    }

    @Test
    void theEndpointIsAnHttpUrlWithoutPathOrCredentials() throws Exception {
        for (String bad : new String[] {"s3.amazonaws.com", "ftp://s3.amazonaws.com", "http://minio:9000/bucket",
                "http://user:pass@minio:9000", ""}) {
            assertThat(invalidSettings(bind("{bucket: objects, endpoint: '" + bad + "'}"))).as(bad)
                    .containsExactly("endpoint");
        }
        assertThat(invalidSettings(bind("{bucket: objects, endpoint: 'https://storage.example.com:8443/'}"))).isEmpty();
    }

    @Test
    void thePrefixFollowsTheRulesOfKeys() throws Exception {
        for (String bad : new String[] {"/abs", "a//b", "a/../b", "..", "./a", "back\\\\slash"}) {
            assertThat(invalidSettings(bind("{bucket: objects, prefix: \"" + bad + "\"}"))).as(bad)
                    .containsExactly("prefix");
        }
        assertThat(bind("{bucket: objects, prefix: 'a/b/'}").keyPrefix()).isEqualTo("a/b/");
        assertThat(bind("{bucket: objects, prefix: '..a'}").keyPrefix()).isEqualTo("..a/");
    }

    @Test
    void keysComeInPairs() throws Exception {
        assertThat(invalidSettings(bind("{bucket: objects, accessKey: id}"))).containsExactly("credentialsPaired");
        assertThat(invalidSettings(bind("{bucket: objects, secretKey: s}"))).containsExactly("credentialsPaired");
    }

    @Test
    void unknownSettingsAndDerivedOnesAreRefused() {
        assertThatThrownBy(() -> bind("{bucket: objects, secret: s}"))
                .isInstanceOfSatisfying(UnrecognizedPropertyException.class, e -> assertThat(e.getKnownPropertyIds())
                        .containsExactlyInAnyOrder("endpoint", "region", "bucket", "prefix", "accessKey", "secretKey",
                                "pathStyle", "createBucket", "connectTimeoutSeconds", "readTimeoutSeconds"));
        assertThatThrownBy(() -> bind("{bucket: objects, credentialsPaired: true}"))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    @Test
    void keysAreNeverWrittenOutAndTheStoreDoesNotShowThem() throws Exception {
        S3StoreConfig config = bind("{bucket: objects, accessKey: the-id, secretKey: the-secret}");
        assertThat(ConfigSections.write(config)).doesNotContain("the-id").doesNotContain("the-secret");
        try (var store = new S3ObjectStoreFactory().create(config, null)) {
            assertThat(store.toString()).isEqualTo("S3 bucket objects at https://s3.amazonaws.com");
        }
    }

    @Test
    void withoutKeysTheEnvironmentMustHaveThem() throws Exception {
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_ACCESS_KEY") == null,
                "AWS keys are set in this environment");
        S3StoreConfig config = bind("bucket: objects");
        assertThatThrownBy(() -> new S3ObjectStoreFactory().create(config, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
    }

    private static S3StoreConfig bind(String yaml) throws Exception {
        return ConfigSections.bind(yaml, S3StoreConfig.class);
    }
}
