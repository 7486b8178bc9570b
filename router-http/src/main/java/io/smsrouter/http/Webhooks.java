package io.smsrouter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.message.Receipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receipts of HTTP messages: each part's receipt is recorded; when every part of a text is final,
 * its final state is POSTed as JSON to the text's callback URL, retried with exponential backoff
 * (1 s, 2 s, 4 s … at most {@value #MAX_DELAY_S} s apart, {@value #MAX_ATTEMPTS} attempts) while
 * the receiver fails (a non-2xx answer, a timeout, a refused connection). Nothing here blocks the
 * router: requests are asynchronous and retries wait on a timer.
 *
 * <p>The parts' receipts are journaled as forwarded only once the callback succeeded or was given
 * up, so a restart in between makes the callback again (a receiver may see it twice).
 */
final class Webhooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    static final int MAX_ATTEMPTS = 12;
    static final int MAX_DELAY_S = 300;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Engine engine;
    private final HttpMessages texts;
    private final ObjectMapper json;
    private final HttpClient client;
    private final ScheduledExecutorService timer;
    private final long firstDelayMs;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final java.util.concurrent.ConcurrentLinkedQueue<Receipt> forwarded =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    static final int FORWARD_EVERY_MS = 20;

    private final java.util.Map<String, String> moUrls;
    private final AtomicLong moDelivered = new AtomicLong();

    /** @param moUrls per account, where its subscribers' messages (MO) are POSTed instead of sent over SMPP */
    Webhooks(Engine engine, HttpMessages texts, ObjectMapper json, long firstDelayMs,
             java.util.Map<String, String> moUrls) {
        this.moUrls = java.util.Map.copyOf(moUrls);
        this.engine = engine;
        this.texts = texts;
        this.json = json;
        this.firstDelayMs = firstDelayMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhooks");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::journalForwarded, FORWARD_EVERY_MS, FORWARD_EVERY_MS,
                TimeUnit.MILLISECONDS);
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(timer)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The receipt interceptor: true for a receipt of an HTTP message, or a subscriber's message
     * for an account with an {@code moUrl} (taken here).
     */
    boolean take(Receipt r) {
        if (r.isMo()) {
            String url = moUrls.get(r.accountId());
            if (url == null) {
                return false; // over SMPP
            }
            timer.execute(() -> attemptMo(r, url, 1));
            return true;
        }
        HttpMessages.Text t = texts.get(r.messageId());
        if (t == null) {
            return false;
        }
        if (t.partDone(r)) {
            t.event(r.state().name().toLowerCase(java.util.Locale.ROOT),
                    r.errorCode() == 0 ? "" : "error " + r.errorCode());
            if (t.callbackUrl.isEmpty()) {
                finish(t);
            } else {
                timer.execute(() -> attempt(t, 1));
            }
        } else if (t.complete()) {
            // a receipt again for a text already done (a duplicate, or re-sent after a restart)
            boolean done;
            synchronized (t) {
                done = t.callbackDone;
            }
            if (done) {
                forwarded.add(r);
            }
        }
        return true;
    }

    private void attempt(HttpMessages.Text t, int n) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(t.callbackUrl)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "smsrouter")
                    .POST(HttpRequest.BodyPublishers.ofString(body(t))).build();
        } catch (IllegalArgumentException e) {
            record(t, "callback_failed", "bad URL: " + e.getMessage());
            finish(t);
            return;
        }
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            String outcome = err != null ? "error: " + rootMessage(err) : "HTTP " + resp.statusCode();
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            record(t, ok ? "callback" : "callback_failed", "attempt " + n + ": " + outcome);
            if (ok) {
                delivered.incrementAndGet();
                finish(t);
            } else if (n >= MAX_ATTEMPTS) {
                log.warn("callback for message {} to {} given up after {} attempts ({})", t.firstId,
                        redacted(t.callbackUrl), n, outcome);
                finish(t);
            } else {
                failedAttempts.incrementAndGet();
                long delay = Math.min(firstDelayMs << Math.min(n - 1, 20), MAX_DELAY_S * 1000L);
                timer.schedule(() -> attempt(t, n + 1), delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * POSTs a subscriber's message, retried like a callback; once it is taken (or given up) it is
     * journaled as forwarded.
     */
    private void attemptMo(Receipt mo, String url, int n) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "smsrouter")
                    .POST(HttpRequest.BodyPublishers.ofString(moBody(mo))).build();
        } catch (IllegalArgumentException e) {
            log.warn("MO {} for {} not posted: bad URL {}", mo.messageId(), mo.accountId(), redacted(url));
            forwarded.add(mo);
            return;
        }
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            if (ok) {
                moDelivered.incrementAndGet();
                forwarded.add(mo);
            } else if (n >= MAX_ATTEMPTS) {
                log.warn("MO {} for {} to {} given up after {} attempts ({})", mo.messageId(), mo.accountId(),
                        redacted(url), n,
                        err != null ? rootMessage(err) : "HTTP " + resp.statusCode());
                forwarded.add(mo);
            } else {
                failedAttempts.incrementAndGet();
                long delay = Math.min(firstDelayMs << Math.min(n - 1, 20), MAX_DELAY_S * 1000L);
                timer.schedule(() -> attemptMo(mo, url, n + 1), delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    private String moBody(Receipt mo) {
        ObjectNode o = json.createObjectNode();
        o.put("type", "mo");
        o.put("id", Long.toString(mo.messageId()));
        o.put("account", mo.accountId());
        o.put("from", mo.source());
        o.put("to", mo.destination());
        o.put("text", io.smsrouter.core.moderation.MessageText.toString(mo.dataCoding(), mo.esmClass(), mo.moBody(),
                mo.moTlvs()));
        o.put("receivedAt", Instant.ofEpochMilli(mo.doneTimeMs()).toString());
        return o.toString();
    }

    private static void record(HttpMessages.Text t, String what, String detail) {
        synchronized (t) {
            t.callbackAttempts.add(new HttpMessages.Event(System.currentTimeMillis(), what, detail));
        }
    }

    /**
     * The text's callback is made (or given up, or there is none): its receipts are journaled as
     * forwarded by the next {@link #journalForwarded} run. Never journals itself: this also runs
     * inside the engine's dispatch of a batch.
     */
    private void finish(HttpMessages.Text t) {
        synchronized (t) {
            t.callbackDone = true;
        }
        forwarded.addAll(t.receipts());
    }

    /**
     * Journals the receipts of finished texts as forwarded, all that have gathered in one batch:
     * one append every {@value #FORWARD_EVERY_MS} ms instead of one per text, which would contend
     * with the event loops for the journal's write lock at tens of thousands of texts a second.
     */
    private void journalForwarded() {
        if (forwarded.isEmpty()) {
            return;
        }
        try {
            engine.beginBatch();
            try {
                for (Receipt r = forwarded.poll(); r != null; r = forwarded.poll()) {
                    engine.receiptForwarded(r);
                }
            } finally {
                engine.endBatch();
            }
        } catch (RuntimeException e) {
            // not journaled: after a restart these receipts come again and their callbacks are made again
            log.warn("could not journal finished callbacks as done: {}", e.toString());
        }
    }

    private String body(HttpMessages.Text t) {
        ObjectNode o = json.createObjectNode();
        o.put("id", Long.toString(t.firstId));
        synchronized (t) {
            Receipt first = t.receipts[0];
            o.put("status", MessageApi.apiState(t.finalState(), t.anySubmitted()));
            o.put("error", t.finalError());
            o.put("parts", t.parts);
            if (first != null) {
                o.put("from", first.source());
                o.put("to", first.destination());
                o.put("acceptedAt", Instant.ofEpochMilli(first.submitTimeMs()).toString());
            }
            o.put("doneAt", Instant.ofEpochMilli(t.doneAtMs).toString());
        }
        return o.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage());
    }

    long deliveredCount() {
        return delivered.get();
    }

    long failedAttemptCount() {
        return failedAttempts.get();
    }

    @Override
    public void close() {
        try {
            timer.submit(this::journalForwarded).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("finished callbacks not journaled at close: {}", e.toString());
        }
        timer.shutdownNow();
    }

    /**
     * A URL for the log: its scheme, host and port only. Webhook URLs often carry a secret in their
     * user info, path or query string ({@code https://user:pw@host/hooks/T01/B02/XyZ?token=...}),
     * which must not reach the log; the account in the same line says whose URL it is.
     */
    static String redacted(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                return "(an unusable URL)";
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/") ? ""
                    : "/***";
            return u.getScheme() + "://" + (u.getRawUserInfo() != null ? "***@" : "") + u.getHost()
                    + (u.getPort() >= 0 ? ":" + u.getPort() : "") + path + (u.getRawQuery() != null ? "?***" : "");
        } catch (IllegalArgumentException e) {
            return "(an unusable URL)";
        }
    }
}
