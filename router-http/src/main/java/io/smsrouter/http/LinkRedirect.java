package io.smsrouter.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.campaign.LinkResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * {@code GET /l/{code}} (SPEC §8): the redirect of a campaign's short link. No authentication, and
 * never counted as a failed one: anyone with the SMS may open it. Answers on the event loop: the
 * only work is the {@link LinkResolver}'s call, which answers from memory.
 *
 * <ul>
 * <li>302 with {@code Location} = the resolver's URL (UTM added), {@code Cache-Control: no-store}
 *     (every open is a click; a cached redirect would hide repeats) and
 *     {@code Referrer-Policy: no-referrer} (the code is personal: the landing site must not see it);
 *     no body.</li>
 * <li>404 with a small HTML page (a phone's browser shows it; JSON would mean nothing to the
 *     reader) for a code the resolver does not know, a path that is not 7 of [0-9A-Za-z], or when no
 *     resolver is set.</li>
 * <li>503 with a small HTML page when the resolver fails (logged with the code, which is no
 *     secret).</li>
 * <li>HEAD: the same answer without a body, through {@link LinkResolver#peek} so that previews and
 *     link scanners are not counted as clicks where the resolver can tell them apart.</li>
 * <li>Any other method: 405 {@code method_not_allowed} as elsewhere.</li>
 * </ul>
 */
final class LinkRedirect {
    private static final Logger log = LoggerFactory.getLogger(LinkRedirect.class);
    static final String PREFIX = "/l/";
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached("referrer-policy");
    private static final AsciiString NO_REFERRER = AsciiString.cached("no-referrer");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString CSP = AsciiString.cached("content-security-policy");
    private static final AsciiString PAGE_CSP = AsciiString.cached("default-src 'none'; style-src 'unsafe-inline'");
    private static final AsciiString NOSNIFF_HEADER = AsciiString.cached("x-content-type-options");
    private static final AsciiString NOSNIFF = AsciiString.cached("nosniff");
    private static final byte[] NOT_FOUND = page("Ссылка не найдена · Link not found",
            "Ссылка не найдена или больше не действует.", "This link does not exist or has expired.");
    private static final byte[] UNAVAILABLE = page("Ссылка временно недоступна · Link unavailable",
            "Ссылка временно недоступна, попробуйте через минуту.", "This link is unavailable for a moment; "
                    + "please try again in a minute.");

    private volatile LinkResolver resolver;

    static boolean handles(String path) {
        return path.startsWith(PREFIX);
    }

    void resolver(LinkResolver r) {
        this.resolver = r;
    }

    FullHttpResponse handle(FullHttpRequest req, String path) {
        HttpMethod method = req.method();
        boolean head = method == HttpMethod.HEAD;
        if (method != HttpMethod.GET && !head) {
            FullHttpResponse r = HttpServer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "use GET");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return r;
        }
        LinkResolver links = resolver;
        if (links == null || path.length() != PREFIX.length() + LinkCodes.LENGTH
                || !LinkCodes.looksLikeCode(path.subSequence(PREFIX.length(), path.length()))) {
            return page(HttpResponseStatus.NOT_FOUND, NOT_FOUND);
        }
        String code = path.substring(PREFIX.length());
        String userAgent = req.headers().get(HttpHeaderNames.USER_AGENT);
        long now = System.currentTimeMillis();
        String target;
        try {
            target = head ? links.peek(code, userAgent, now) : links.click(code, userAgent, now);
        } catch (RuntimeException e) {
            log.warn("the link resolver failed on code {}; answered 503", code, e);
            return page(HttpResponseStatus.SERVICE_UNAVAILABLE, UNAVAILABLE);
        }
        if (target == null) {
            return page(HttpResponseStatus.NOT_FOUND, NOT_FOUND);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND,
                Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, headerSafe(target))
                .set(HttpHeaderNames.CACHE_CONTROL, NO_STORE)
                .set(REFERRER_POLICY, NO_REFERRER)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    private static FullHttpResponse page(HttpResponseStatus status, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HTML)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, NO_STORE)
                .set(REFERRER_POLICY, NO_REFERRER)
                .set(NOSNIFF_HEADER, NOSNIFF)
                .set(CSP, PAGE_CSP);
        return r;
    }

    private static byte[] page(String title, String ru, String en) {
        return ("<!doctype html><html><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex\"><title>" + title + "</title>"
                + "<style>body{font-family:sans-serif;margin:3em 1.5em;color:#333}</style></head>"
                + "<body><h1>" + ru + "</h1><p>" + en + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The URL as a header value: characters a header cannot carry (controls, space, non-ASCII) are
     * percent-encoded as UTF-8, so a URL written with Cyrillic letters still works and a CR or LF in
     * a stored URL cannot split the response.
     */
    static String headerSafe(String url) {
        int n = url.length();
        int i = 0;
        while (i < n && url.charAt(i) > 0x20 && url.charAt(i) < 0x7f) {
            i++;
        }
        if (i == n) {
            return url;
        }
        StringBuilder out = new StringBuilder(n + 32).append(url, 0, i);
        byte[] rest = url.substring(i).getBytes(StandardCharsets.UTF_8);
        for (byte b : rest) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
