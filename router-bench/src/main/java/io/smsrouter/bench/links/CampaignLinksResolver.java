package io.smsrouter.bench.links;

import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.campaign.LinkResolver;
import io.smsrouter.core.campaign.Utm;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A link resolver shaped like a campaign's, for the redirect benchmark: one campaign owns the
 * numbers {@code base .. base + recipients × linksPerRecipient - 1}; nothing is stored per code
 * (the code gives the number through {@link LinkCodes#number}); per recipient it keeps its variant
 * (1 byte) and per link a click counter (4 bytes, atomic since several event loops may count);
 * the targets are the links' URLs with UTM added once per variant.
 */
final class CampaignLinksResolver implements LinkResolver {
    private final LinkCodes codes;
    private final long base;
    private final int linksPerRecipient;
    private final long count;
    private final byte[] variantOf;
    private final AtomicIntegerArray clicks;
    /** [variant × linksPerRecipient + link]: the redirect target. */
    private final String[] targets;

    CampaignLinksResolver(LinkCodes codes, long base, int recipients, String[] urls, String campaign,
                          String[] variants) {
        this.codes = codes;
        this.base = base;
        this.linksPerRecipient = urls.length;
        this.count = (long) recipients * urls.length;
        this.variantOf = new byte[recipients];
        for (int r = 0; r < recipients; r++) {
            variantOf[r] = (byte) (r % variants.length);
        }
        this.clicks = new AtomicIntegerArray(Math.toIntExact(count));
        this.targets = new String[variants.length * urls.length];
        for (int v = 0; v < variants.length; v++) {
            for (int l = 0; l < urls.length; l++) {
                targets[v * urls.length + l] = Utm.withUtm(urls[l], campaign, variants[v]);
            }
        }
    }

    String codeOf(int recipient, int link) {
        return codes.code(base + (long) recipient * linksPerRecipient + link);
    }

    @Override
    public String click(String code, String userAgent, long atMs) {
        int i = index(code);
        if (i < 0) {
            return null;
        }
        clicks.incrementAndGet(i);
        return targets[variantOf[i / linksPerRecipient] * linksPerRecipient + i % linksPerRecipient];
    }

    @Override
    public String peek(String code, String userAgent, long atMs) {
        int i = index(code);
        return i < 0 ? null : targets[variantOf[i / linksPerRecipient] * linksPerRecipient + i % linksPerRecipient];
    }

    private int index(String code) {
        long n = codes.number(code);
        return n < base || n >= base + count ? -1 : (int) (n - base);
    }

    /** Bytes of the per-recipient and per-link arrays (array headers of 16 bytes included). */
    long arrayBytes() {
        return 16L + variantOf.length + 16L + 4L * clicks.length() + 16L + 4L * targets.length;
    }

    long totalClicks() {
        long t = 0;
        for (int i = 0; i < clicks.length(); i++) {
            t += clicks.get(i);
        }
        return t;
    }
}
