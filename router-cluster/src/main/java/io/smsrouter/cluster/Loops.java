package io.smsrouter.cluster;

import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/** The background loops of a cluster node: each on a daemon thread of its own, started again when it fails. */
public final class Loops {
    private static final Logger log = LoggerFactory.getLogger(Loops.class);

    private Loops() {
    }

    /**
     * Starts {@code loop} on a daemon thread named {@code name}. When it throws while {@code running}
     * says so, it runs again a second later (with its fresh consumer: what was not committed is read
     * again); a wake-up or interrupt from Kafka while closing ends it.
     */
    public static Thread start(String name, BooleanSupplier running, Runnable loop) {
        Thread t = new Thread(() -> {
            while (running.getAsBoolean()) {
                try {
                    loop.run();
                    return;
                } catch (WakeupException | InterruptException e) {
                    return; // closing
                } catch (RuntimeException e) {
                    if (running.getAsBoolean()) {
                        log.error("cluster: {} failed, starting it again in 1 s: {}", name, e.toString(), e);
                        sleep(1_000);
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Sleeps; an interrupt ends the sleep and stays set. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
