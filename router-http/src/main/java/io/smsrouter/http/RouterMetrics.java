package io.smsrouter.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smsrouter.core.engine.Engine;
import io.smsrouter.core.moderation.Verdict;

/** The engine's counters as Prometheus metrics (names prefixed {@code router_}). */
final class RouterMetrics {
    private RouterMetrics() {
    }

    static void bind(MeterRegistry r, Engine e) {
        FunctionCounter.builder("router.messages.accepted", e, Engine::acceptedCount)
                .description("messages accepted from clients (submit_sm_resp 0)").register(r);
        FunctionCounter.builder("router.messages.submitted", e, Engine::submittedCount)
                .description("messages accepted by an operator").register(r);
        FunctionCounter.builder("router.receipts.received", e, Engine::receiptsInCount)
                .description("delivery receipts received from operators").register(r);
        FunctionCounter.builder("router.receipts.forwarded", e, Engine::receiptsOutCount)
                .description("delivery receipts acknowledged by clients").register(r);
        Gauge.builder("router.messages.undelivered", e, Engine::undeliveredCount)
                .description("messages accepted but not yet accepted by an operator").register(r);
        for (io.smsrouter.core.account.TrafficClass c : io.smsrouter.core.account.TrafficClass.values()) {
            Gauge.builder("router.queue.depth", e, x -> x.undeliveredCount(c))
                    .tag("class", c.id())
                    .description("messages of this traffic class accepted and not yet taken by an operator "
                            + "(queued or scheduled)").register(r);
        }
        Gauge.builder("router.messages.scheduled", e, Engine::scheduledCount)
                .description("messages waiting for their scheduled time").register(r);
        FunctionCounter.builder("router.messages.requeued.recovery", e, Engine::requeuedAtRecoveryCount)
                .description("messages queued again by recovery at start (possible duplicates at the operator)")
                .register(r);
        FunctionCounter.builder("router.moderation.held.total", e, Engine::heldCount)
                .description("messages held for a moderator since start").register(r);
        Gauge.builder("router.moderation.queue", e, x -> x.moderationQueue().size())
                .description("messages waiting for a moderator now").register(r);
        FunctionCounter.builder("router.messages.expired.in.queue", e, Engine::expiredInQueueCount)
                .description("messages whose validity ran out while no operator could take them").register(r);
        FunctionCounter.builder("router.messages.duplicates", e, Engine::duplicateCount)
                .description("messages answered OK but not sent: repeats within the account's dedup window")
                .register(r);
        FunctionCounter.builder("router.messages.quiet.hours.delayed", e, Engine::quietHoursDelayedCount)
                .description("promo messages scheduled for the recipient's next sending window").register(r);
        FunctionCounter.builder("router.consent.refusals", e, Engine::noConsentRefusalCount)
                .description("promo messages of requireConsent accounts refused: no consent to advertising in force")
                .register(r);
        Gauge.builder("router.consent.entries", e, x -> x.consents().size())
                .description("entries of the consent histories (consents and withdrawals)").register(r);
        FunctionCounter.builder("router.mo.received", e, Engine::moReceivedCount)
                .description("subscribers' messages forwarded to the account that owns the number or name "
                        + "they were sent to").register(r);
        FunctionCounter.builder("router.mo.unrouted", e, Engine::moUnroutedCount)
                .description("subscribers' messages to a number or name no account lists among its senders")
                .register(r);
        e.metrics(new MicrometerEngineMetrics(r, e.accounts().all(), e.operatorIds()));
        for (String op : e.operatorIds()) {
            for (io.smsrouter.core.account.TrafficClass c : io.smsrouter.core.account.TrafficClass.values()) {
                Gauge.builder("router.operator.queue.depth", e, x -> x.operatorQueue(op).laneSize(c.lane()))
                        .tag("operator", op).tag("class", c.id())
                        .description("messages waiting for this operator in this class's lane").register(r);
            }
        }
        Gauge.builder("router.moderation.oldest.age", e, x -> {
            long at = x.moderationQueue().oldestHeldAtMs();
            return at == 0 ? 0 : Math.max(0, System.currentTimeMillis() - at) / 1000.0;
        }).baseUnit("seconds").description("how long the oldest held message has waited for a moderator").register(r);
        io.smsrouter.core.billing.Billing bill = e.billing();
        if (bill != null) {
            for (io.smsrouter.core.billing.Billing.Balance b : bill.balances()) {
                String id = b.accountId();
                Gauge.builder("router.balance", bill, x -> x.balance(id).available()
                                / (double) io.smsrouter.core.billing.Amounts.SCALE)
                        .tag("account", id).description("prepaid balance available to spend").register(r);
                Gauge.builder("router.balance.reserved", bill, x -> x.balance(id).reserved()
                                / (double) io.smsrouter.core.billing.Amounts.SCALE)
                        .tag("account", id).description("price of the account's messages not yet settled")
                        .register(r);
            }
        }
        for (io.smsrouter.core.account.Account a : e.accounts().all()) {
            String id = a.id();
            Gauge.builder("router.receipts.waiting", e, x -> x.clients().pendingInMemory(id))
                    .tag("account", id).tag("store", "heap")
                    .description("receipts and MO messages waiting for the account's receiver binds, by store (heap, disk)")
                    .register(r);
            Gauge.builder("router.receipts.waiting", e, x -> x.clients().pendingOnDisk(id))
                    .tag("account", id).tag("store", "disk")
                    .description("receipts and MO messages waiting for the account's receiver binds, by store (heap, disk)")
                    .register(r);
        }
        for (Verdict v : Verdict.values()) {
            FunctionCounter.builder("router.moderation.decisions", e, x -> x.decidedCount(v))
                    .tag("verdict", v.name().toLowerCase(java.util.Locale.ROOT))
                    .description("moderation decisions since start").register(r);
        }
    }
}
