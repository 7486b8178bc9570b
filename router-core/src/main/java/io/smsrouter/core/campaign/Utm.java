package io.smsrouter.core.campaign;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * UTM parameters of a campaign's links (SPEC §8): the redirect of a short link goes to the
 * original URL with {@code utm_source=sms&utm_medium=sms&utm_campaign=NAME&utm_content=VARIANT}
 * added, so the site's analytics attribute the visit.
 */
public final class Utm {
    private static final String[] NAMES = {"utm_source", "utm_medium", "utm_campaign", "utm_content"};

    private Utm() {
    }

    /**
     * {@code url} with the four UTM parameters appended to its query, values percent-encoded as
     * UTF-8 ({@code %20} for a space). The URL's own parameters stay in their order and its
     * {@code #fragment} stays last; a UTM parameter the URL already has is replaced, not repeated
     * (its name compared after percent-decoding). A bare {@code www.} URL gets {@code https://}.
     * A null {@code campaignName} or {@code variantName} leaves that parameter out (and removes the
     * URL's own).
     */
    public static String withUtm(String url, String campaignName, String variantName) {
        String u = url.regionMatches(true, 0, "www.", 0, 4) ? "https://" + url : url;
        int hash = u.indexOf('#');
        String fragment = hash >= 0 ? u.substring(hash) : "";
        String beforeFragment = hash >= 0 ? u.substring(0, hash) : u;
        int q = beforeFragment.indexOf('?');
        String base = q >= 0 ? beforeFragment.substring(0, q) : beforeFragment;
        StringBuilder out = new StringBuilder(u.length() + 96).append(base).append('?');
        if (q >= 0) {
            for (String param : beforeFragment.substring(q + 1).split("&", -1)) {
                if (!param.isEmpty() && !isUtm(param)) {
                    out.append(param).append('&');
                }
            }
        }
        out.append("utm_source=sms&utm_medium=sms");
        if (campaignName != null) {
            out.append("&utm_campaign=").append(encode(campaignName));
        }
        if (variantName != null) {
            out.append("&utm_content=").append(encode(variantName));
        }
        return out.append(fragment).toString();
    }

    private static boolean isUtm(String param) {
        int eq = param.indexOf('=');
        String name = eq >= 0 ? param.substring(0, eq) : param;
        if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                return false; // not ours: kept as the site wrote it
            }
        }
        for (String n : NAMES) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
