package io.smsrouter.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smsrouter.core.account.Account;
import io.smsrouter.core.engine.EngineMetrics;
import io.smsrouter.core.engine.SubmitOutcome;
import io.smsrouter.core.message.DeliveryState;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine's per-account and per-operator counts and latencies as Prometheus meters. Every
 * meter is registered up front for the configured accounts and operators, so recording is a map
 * lookup and an add: nothing is created on the hot path. Latencies are histograms with fixed
 * buckets ({@code _bucket{le=...}}), so percentiles can be computed across routers.
 */
final class MicrometerEngineMetrics implements EngineMetrics {

    /** Buckets of the router-side latencies (client answers, operator answers): 50 µs to 10 s. */
    private static final Duration[] FAST = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    /** Buckets of end-to-end times (acceptance to operator, to receipt): 1 ms to a day. */
    private static final Duration[] SLOW = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1)};

    private static final class AccountMeters {
        final Counter[] outcomes = new Counter[SubmitOutcome.values().length];
        final Counter[] finals = new Counter[DeliveryState.values().length];
        Timer clientResponse;
    }

    private static final class OperatorMeters {
        Counter submitted;
        Counter throttled;
        final Map<Integer, Counter> refused = new java.util.concurrent.ConcurrentHashMap<>();
        final Counter[] receipts = new Counter[DeliveryState.values().length];
        Timer response;
        Timer toOperator;
        Timer toReceipt;
    }

    private final MeterRegistry registry;
    private final Map<String, AccountMeters> accounts = new HashMap<>();
    private final Map<String, OperatorMeters> operators = new HashMap<>();

    MicrometerEngineMetrics(MeterRegistry r, Iterable<Account> accountList, Iterable<String> operatorIds) {
        this.registry = r;
        for (Account a : accountList) {
            AccountMeters m = new AccountMeters();
            for (SubmitOutcome o : SubmitOutcome.values()) {
                m.outcomes[o.ordinal()] = Counter.builder("router.account.submits").tag("account", a.id())
                        .tag("outcome", name(o)).description("messages submitted by the account, by the router's "
                                + "answer (accepted, or why not)").register(r);
            }
            for (DeliveryState s : DeliveryState.values()) {
                m.finals[s.ordinal()] = Counter.builder("router.account.final").tag("account", a.id())
                        .tag("state", name(s)).description("the account's messages by final state").register(r);
            }
            m.clientResponse = Timer.builder("router.client.response").tag("account", a.id())
                    .description("from reading a client's submit to flushing its answer (journal included)")
                    .serviceLevelObjectives(FAST).register(r);
            accounts.put(a.id(), m);
        }
        for (String id : operatorIds) {
            OperatorMeters m = new OperatorMeters();
            m.submitted = Counter.builder("router.operator.submitted").tag("operator", id)
                    .description("messages the operator accepted").register(r);
            m.throttled = Counter.builder("router.operator.throttled").tag("operator", id)
                    .description("answers asking the router to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL)")
                    .register(r);
            for (DeliveryState s : DeliveryState.values()) {
                m.receipts[s.ordinal()] = Counter.builder("router.operator.receipts").tag("operator", id)
                        .tag("state", name(s)).description("receipts from the operator by state").register(r);
            }
            m.response = Timer.builder("router.operator.response").tag("operator", id)
                    .description("from sending a submit_sm to the operator's answer")
                    .serviceLevelObjectives(FAST).register(r);
            m.toOperator = Timer.builder("router.accept.to.operator").tag("operator", id)
                    .description("from the router's acceptance to the operator's acceptance")
                    .serviceLevelObjectives(SLOW).register(r);
            m.toReceipt = Timer.builder("router.accept.to.receipt").tag("operator", id)
                    .description("from the router's acceptance to the operator's final receipt")
                    .serviceLevelObjectives(SLOW).register(r);
            operators.put(id, m);
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void submitted(String accountId, SubmitOutcome outcome, int n) {
        AccountMeters m = accounts.get(accountId);
        if (m != null) {
            m.outcomes[outcome.ordinal()].increment(n);
        }
    }

    @Override
    public void finished(String accountId, DeliveryState state) {
        AccountMeters m = accounts.get(accountId);
        if (m != null) {
            m.finals[state.ordinal()].increment();
        }
    }

    @Override
    public void toOperator(String operatorId, long acceptedAtMs) {
        OperatorMeters m = operators.get(operatorId);
        if (m != null) {
            m.submitted.increment();
            m.toOperator.record(Math.max(0, System.currentTimeMillis() - acceptedAtMs), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void operatorRefused(String operatorId, int errorCode) {
        OperatorMeters m = operators.get(operatorId);
        if (m != null) {
            // a few distinct codes per operator: registered on first sight, not per message
            m.refused.computeIfAbsent(errorCode, c -> Counter.builder("router.operator.refused")
                    .tag("operator", operatorId).tag("status", String.format("0x%02X", c))
                    .description("messages the operator refused for good, by command_status").register(registry))
                    .increment();
        }
    }

    @Override
    public void operatorThrottled(String operatorId) {
        OperatorMeters m = operators.get(operatorId);
        if (m != null) {
            m.throttled.increment();
        }
    }

    @Override
    public void operatorResponse(String operatorId, long nanos) {
        OperatorMeters m = operators.get(operatorId);
        if (m != null) {
            m.response.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void operatorReceipt(String operatorId, DeliveryState state, long acceptedAtMs) {
        OperatorMeters m = operators.get(operatorId);
        if (m != null) {
            m.receipts[state.ordinal()].increment();
            if (state.isFinal()) {
                m.toReceipt.record(Math.max(0, System.currentTimeMillis() - acceptedAtMs), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void clientResponse(String accountId, long nanos, int n) {
        AccountMeters m = accounts.get(accountId);
        if (m != null) {
            for (int i = 0; i < n; i++) {
                m.clientResponse.record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
