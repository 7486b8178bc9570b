package io.smsrouter.core.template;

import java.util.List;
import java.util.Optional;

/** Named templates that API clients upload once and then refer to by name when sending. */
public interface TemplateStore {
    /** Template names: 1 to 64 of {@code A-Z a-z 0-9 _ . -}. */
    String NAME_RULE = "[A-Za-z0-9_.-]{1,64}";

    /**
     * Compiles and stores {@code source} under {@code name}, replacing any template of that name.
     *
     * @throws IllegalArgumentException if the name breaks {@link #NAME_RULE}
     * @throws TemplateException        if the source does not compile; nothing is stored then
     */
    Template put(String name, String source);

    Optional<Template> get(String name);

    /** @return whether there was a template of that name */
    boolean remove(String name);

    /** Every template, ordered by name. */
    List<Template> all();

    static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
