package com.stateset.sandbox.storage.gcs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;

/**
 * A service account key made for a test: a fresh RSA key pair, its private half written as the JSON
 * key file Google issues, its public half kept to check signatures with. Its token endpoint is a
 * loopback port nothing serves, so no token is ever fetched from anywhere.
 */
record ServiceAccountKey(Path file, PublicKey publicKey, String email) {

    static final String PROJECT = "sandbox-test";

    static ServiceAccountKey create(Path directory) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String email = "objects@" + PROJECT + ".iam.gserviceaccount.com";
        String json = """
                {
                  "type": "service_account",
                  "project_id": "%s",
                  "private_key_id": "0123456789abcdef",
                  "private_key": "%s",
                  "client_email": "%s",
                  "client_id": "100000000000000000001",
                  "token_uri": "http://127.0.0.1:9/token"
                }
                """.formatted(PROJECT, pem.replace("\n", "\\n"), email);
        Path file = directory.resolve("service-account.json");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, json);
        return new ServiceAccountKey(file, pair.getPublic(), email);
    }
}
