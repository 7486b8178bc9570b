package io.smsrouter.core.template;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * What a render needs to know about the recipient and the moment: the recipient's time zone, in
 * which dates are shown, and the clock that {@code now} reads.
 */
public record RenderContext(ZoneId zone, Clock clock) {
    /** UTC and the system clock. */
    public static final RenderContext DEFAULT = new RenderContext(ZoneOffset.UTC, Clock.systemUTC());

    public RenderContext {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(clock, "clock");
    }

    /** The recipient's zone and the system clock. */
    public static RenderContext of(ZoneId zone) {
        return new RenderContext(zone, Clock.systemUTC());
    }
}
