package io.smsrouter.core.account;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AccountRegistryAuthTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String hash(String s) {
        return Secret.hash(s.toCharArray(), 1000, RANDOM);
    }

    private final Account plain = Account.of("plain", "plainpw", "k-plain", Moderation.NONE, 0, 4, List.of());
    private final Account hashed = Account.of("hashed", hash("hashpw"), hash("k-hashed"), Moderation.NONE, 0, 4,
            List.of());
    private final AccountRegistry registry = new AccountRegistry(List.of(plain, hashed));

    @Test
    void shouldCheckPlainPasswordsAtOnce() {
        assertThat(registry.checkPassword(plain, "plainpw")).isEqualTo(AccountRegistry.Check.OK);
        assertThat(registry.checkPassword(plain, "plainpx")).isEqualTo(AccountRegistry.Check.WRONG);
        assertThat(registry.authenticate("plain", "plainpw")).isEqualTo(AccountRegistry.AuthResult.OK);
        assertThat(registry.authenticate("nobody", "plainpw")).isEqualTo(AccountRegistry.AuthResult.UNKNOWN_SYSTEM_ID);
    }

    @Test
    void shouldVerifyAHashedPasswordOnceThenAnswerAtOnce() throws Exception {
        assertThat(registry.checkPassword(hashed, "hashpw")).isEqualTo(AccountRegistry.Check.NEEDS_VERIFICATION);
        assertThat(registry.verifyPassword(hashed, "wrong").get(5, TimeUnit.SECONDS)).isFalse();
        // a failure is not remembered as anything
        assertThat(registry.checkPassword(hashed, "wrong")).isEqualTo(AccountRegistry.Check.NEEDS_VERIFICATION);
        assertThat(registry.verifyPassword(hashed, "hashpw").get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.checkPassword(hashed, "hashpw")).isEqualTo(AccountRegistry.Check.OK);
        // remembered for this account only: the same password for another account is not
        assertThat(registry.checkPassword(plain, "hashpw")).isEqualTo(AccountRegistry.Check.WRONG);
    }

    @Test
    void shouldFindAccountsByPlainAndHashedApiKeys() throws Exception {
        assertThat(registry.apiKeyAccount("k-plain")).isEqualTo(plain);
        assertThat(registry.apiKeyNeedsVerification("k-plain")).isFalse();
        assertThat(registry.apiKeyAccount("k-hashed")).isNull();
        assertThat(registry.apiKeyNeedsVerification("k-hashed")).isTrue();
        assertThat(registry.verifyApiKey("k-nope").get(5, TimeUnit.SECONDS)).isNull();
        assertThat(registry.verifyApiKey("k-hashed").get(5, TimeUnit.SECONDS)).isEqualTo(hashed);
        assertThat(registry.apiKeyAccount("k-hashed")).isEqualTo(hashed);
        assertThat(registry.apiKeyNeedsVerification("k-hashed")).isFalse();
        assertThat(registry.apiKeyAccount("k-nope")).isNull();
    }

    @Test
    void shouldNeedNoVerificationWhenNoKeyIsHashed() {
        AccountRegistry plainOnly = new AccountRegistry(List.of(plain));
        assertThat(plainOnly.apiKeyNeedsVerification("k-guess")).isFalse();
        assertThat(plainOnly.apiKeyAccount("k-guess")).isNull();
    }

    @Test
    void shouldRefuseChecksAtOnceWhenTheVerifierQueueIsFull() throws Exception {
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        SecretVerifier v = registry.verifier();
        v.submit(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        try {
            for (int i = 0; i < SecretVerifier.QUEUE; i++) {
                v.submit(() -> null);
            }
            assertThat(registry.verifyPassword(hashed, "hashpw"))
                    .failsWithin(1, TimeUnit.SECONDS)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        } finally {
            hold.countDown();
        }
    }

    @Test
    void shouldNotShowSecretsInAnAccountsToString() {
        assertThat(plain.toString()).doesNotContain("plainpw").doesNotContain("k-plain");
    }
}
