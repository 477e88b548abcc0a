package com.stateset.sandbox.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private final WebhookTargets strict = new WebhookTargets(false, true);
    private final WebhookTargets lenient = new WebhookTargets(true, false);

    @Test
    void privateAndLoopbackTargetsNeedTheSetting() {
        for (String url : java.util.List.of("https://127.0.0.1/x", "https://10.1.2.3/x", "https://172.16.0.1/x",
                "https://192.168.1.1/x", "https://100.64.0.1/x", "https://[fd00::1]/x", "https://[::1]/x", "https://localhost/x",
                "https://2130706433/x")) {
            assertThat(strict.problem(url)).as(url).contains("private");
            assertThat(lenient.problem(url)).as(url).isNull();
        }
    }

    @Test
    void linkLocalMetadataAndMappedAddressesAreNeverAllowed() {
        for (String url : java.util.List.of("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x",
                "http://[::ffff:127.0.0.1]/x", "http://[::ffff:169.254.169.254]/x", "http://0.0.0.0/x", "http://224.0.0.1/x",
                "http://[fd00:ec2::254]/x", "http://100.100.100.200/x", "http://192.0.0.192/x", "http://[::7f00:1]/x",
                "http://[::ffff:0:7f00:1]/x", "http://[64:ff9b::a00:5]/x", "http://[2002:a00:5::1]/x", "http://0.1.2.3/x",
                "http://198.18.0.1/x", "http://240.0.0.1/x", "http://[fe80::1]:99999/x")) {
            assertThat(lenient.problem(url)).as(url).isNotNull();
        }
    }

    @Test
    void refusalsDoNotNameTheAddress() {
        assertThat(strict.problem("https://localhost/x")).doesNotContain("127.0.0.1").contains("private");
    }

    @Test
    void aNameNotYetInDnsIsAcceptedAndCheckedAtEveryDelivery() {
        assertThat(strict.problem("https://no-such-host.invalid/hook")).isNull();
        assertThatThrownBy(() -> strict.resolve("no-such-host.invalid")).isInstanceOf(java.net.UnknownHostException.class);
    }

    @Test
    void httpsIsRequiredUnlessSwitchedOff() {
        assertThat(strict.problem("http://93.184.215.14/x")).contains("https");
        assertThat(lenient.problem("http://93.184.215.14/x")).isNull();
        assertThat(strict.problem("https://93.184.215.14/x")).isNull();
        assertThat(strict.problem("https://user:pw@93.184.215.14/x")).contains("user");
        assertThat(strict.problem("gopher://93.184.215.14/x")).contains("http");
    }
}
