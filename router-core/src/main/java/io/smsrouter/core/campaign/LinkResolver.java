package io.smsrouter.core.campaign;

/**
 * What the redirect {@code GET /l/{code}} (SPEC §8) asks: where a short link goes. The HTTP
 * server calls it on its event loop for every click, so an implementation answers from memory
 * (the code gives the number, {@link LinkCodes#number}, the number the campaign, recipient and
 * link) and hands slow work such as journaling to another thread.
 */
@FunctionalInterface
public interface LinkResolver {

    /**
     * Records a click on {@code code} and answers the URL to send the phone to, UTM parameters
     * already added ({@link Utm#withUtm}); null for a code that is no link (malformed, unknown,
     * or of a campaign that is gone).
     *
     * @param code      the code as it came in the path; not checked beyond its shape (7 of [0-9A-Za-z])
     * @param userAgent the request's {@code User-Agent}, null when none was sent
     * @param atMs      when the click arrived, epoch milliseconds
     */
    String click(String code, String userAgent, long atMs);

    /**
     * The same URL without recording a click: {@code HEAD /l/{code}}, which link previews and
     * scanners send and no person does. By default this records the click like
     * {@link #click}; an implementation that can look up without counting overrides it.
     */
    default String peek(String code, String userAgent, long atMs) {
        return click(code, userAgent, atMs);
    }
}
