package io.smsrouter.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook URLs reach the log without their user info, path or query, where secrets tend to be. */
class WebhooksRedactionTest {

    @Test
    void shouldLogOnlySchemeHostAndPortOfAWebhookUrl() {
        assertThat(Webhooks.redacted("https://user:pw123@hooks.example.com:8443/services/T01/B02/XyZsecret?token=abc"))
                .isEqualTo("https://***@hooks.example.com:8443/***?***");
        assertThat(Webhooks.redacted("http://crm.example/")).isEqualTo("http://crm.example");
        assertThat(Webhooks.redacted("http://crm.example")).isEqualTo("http://crm.example");
        assertThat(Webhooks.redacted("not a url")).isEqualTo("(an unusable URL)");
        assertThat(Webhooks.redacted("http://[bad")).isEqualTo("(an unusable URL)");
    }
}
