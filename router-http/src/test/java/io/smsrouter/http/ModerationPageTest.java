package io.smsrouter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login's cookie over TLS and the session table's clock, without a socket: the server passes
 * whether the request came through an SslHandler, and the cookie must then be {@code Secure}.
 */
class ModerationPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AdminSessions sessions = new AdminSessions(
            new AdminSessions.Settings(Duration.ofSeconds(60), Duration.ofSeconds(300)), now::get);
    private final ModerationPage page = new ModerationPage(JSON, new AdminAuth(
            new ApiAuth(new io.smsrouter.core.account.AccountRegistry(java.util.List.of()), "tok"), sessions));

    @Test
    void shouldMarkTheCookieSecureWhenTheRequestCameOverTls() {
        FullHttpResponse tls = page.handle(login("tok"), ModerationPage.LOGIN, true, "test");
        assertThat(tls.status().code()).isEqualTo(200);
        String cookie = tls.headers().get(HttpHeaderNames.SET_COOKIE);
        assertThat(cookie).startsWith("smsrouter_session=").containsIgnoringCase("; Secure")
                .containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
        FullHttpResponse plain = page.handle(login("tok"), ModerationPage.LOGIN, false, "test");
        assertThat(plain.headers().get(HttpHeaderNames.SET_COOKIE)).doesNotContainIgnoringCase("secure");
        FullHttpResponse out = page.handle(request(HttpMethod.POST, ModerationPage.LOGOUT, null), ModerationPage.LOGOUT,
                true, "test");
        assertThat(out.headers().get(HttpHeaderNames.SET_COOKIE)).containsIgnoringCase("; Secure").contains("Max-Age=0");
    }

    @Test
    void shouldEndSessionsWhenIdleOrTooOldAndKeepThemWhileUsed() {
        AdminSessions.Created a = sessions.create("a");
        now.addAndGet(59_000);
        assertThat(sessions.find(a.id())).as("used within the idle time").isNotNull();
        now.addAndGet(59_000);
        assertThat(sessions.find(a.id())).isNotNull();
        now.addAndGet(60_000);
        assertThat(sessions.find(a.id())).as("idle 60 s").isNull();

        AdminSessions.Created b = sessions.create("b");
        for (int i = 0; i < 9; i++) {
            now.addAndGet(30_000);
            assertThat(sessions.find(b.id())).as("busy, %d s old", (i + 1) * 30).isNotNull();
        }
        now.addAndGet(30_000);
        assertThat(sessions.find(b.id())).as("300 s old").isNull();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void shouldPushOutTheLeastRecentlyUsedSessionBeyondTheLimit() {
        AdminSessions.Created first = sessions.create("first");
        AdminSessions.Created second = sessions.create("second");
        sessions.find(first.id());
        for (int i = 2; i < AdminSessions.MAX_SESSIONS; i++) {
            sessions.create("m" + i);
        }
        assertThat(sessions.size()).isEqualTo(AdminSessions.MAX_SESSIONS);
        sessions.create("one more");
        assertThat(sessions.size()).isEqualTo(AdminSessions.MAX_SESSIONS);
        assertThat(sessions.find(second.id())).as("least recently used").isNull();
        assertThat(sessions.find(first.id())).isNotNull();
    }

    @Test
    void shouldKeepAtMostSixteenSessionsOfOneAccountEndingItsLeastRecentlyUsed() {
        java.util.List<AdminSessions.Created> shop = new java.util.ArrayList<>();
        for (int i = 0; i < AdminSessions.MAX_PER_ACCOUNT; i++) {
            shop.add(sessions.createForAccount("shop"));
        }
        AdminSessions.Created other = sessions.createForAccount("other");
        sessions.find(shop.get(0).id());
        AdminSessions.Created more = sessions.createForAccount("shop");
        assertThat(sessions.find(shop.get(1).id())).as("shop's least recently used").isNull();
        assertThat(sessions.find(shop.get(0).id())).as("used lately").isNotNull();
        assertThat(sessions.find(more.id())).isNotNull();
        assertThat(sessions.find(other.id())).as("another account's session").isNotNull();
        assertThat(sessions.size()).isEqualTo(AdminSessions.MAX_PER_ACCOUNT + 1);
        assertThat(sessions.find(more.id()).account()).isEqualTo("shop");
    }

    @Test
    void shouldNotLetAccountsLoginsPushOutTheAdminsSessions() {
        AdminSessions.Created admin = sessions.create("alice");
        for (int a = 0; a < 100; a++) {
            for (int i = 0; i < AdminSessions.MAX_PER_ACCOUNT; i++) {
                sessions.createForAccount("account" + a);
            }
        }
        assertThat(sessions.size()).isEqualTo(AdminSessions.MAX_SESSIONS);
        AdminSessions.Session s = sessions.find(admin.id());
        assertThat(s).as("the admin's session outlives 1,600 account logins").isNotNull();
        assertThat(s.account()).isNull();
    }

    @Test
    void shouldCompareTheCsrfTokenExactly() {
        AdminSessions.Session s = sessions.create("a").session();
        assertThat(s.csrfMatches(s.csrfToken())).isTrue();
        assertThat(s.csrfMatches(null)).isFalse();
        assertThat(s.csrfMatches("")).isFalse();
        assertThat(s.csrfMatches(s.csrfToken().substring(1))).isFalse();
        assertThat(s.csrfMatches(s.csrfToken() + "x")).isFalse();
    }

    private static FullHttpRequest login(String token) {
        return request(HttpMethod.POST, ModerationPage.LOGIN, "{\"token\":\"" + token + "\"}");
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String body) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.HOST, "127.0.0.1:8080");
        return r;
    }
}
