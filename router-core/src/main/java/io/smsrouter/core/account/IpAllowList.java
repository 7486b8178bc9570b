package io.smsrouter.core.account;

import java.net.InetAddress;
import java.util.List;

/**
 * The addresses an account may bind or call the HTTP API from ({@code accounts[].allowedIps}): a
 * list of {@link IpRange}s, any of which admits an address; an empty list admits every address.
 */
public final class IpAllowList {

    public static final IpAllowList ANY = new IpAllowList(List.of());

    private final IpRange[] ranges;

    private IpAllowList(List<IpRange> ranges) {
        this.ranges = ranges.toArray(new IpRange[0]);
    }

    public static IpAllowList of(List<IpRange> ranges) {
        return ranges == null || ranges.isEmpty() ? ANY : new IpAllowList(ranges);
    }

    /** Parses each entry ({@link IpRange#parse}); an IllegalArgumentException names the bad one. */
    public static IpAllowList parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return ANY;
        }
        return new IpAllowList(entries.stream().map(IpRange::parse).toList());
    }

    public boolean allowsAny() {
        return ranges.length == 0;
    }

    /** True when the list is empty or one of its ranges holds {@code a}; false for a null address. */
    public boolean allows(InetAddress a) {
        if (ranges.length == 0) {
            return true;
        }
        if (a == null) {
            return false;
        }
        for (IpRange r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    public List<IpRange> ranges() {
        return List.of(ranges);
    }

    @Override
    public String toString() {
        return ranges.length == 0 ? "any" : List.of(ranges).toString();
    }
}
