package io.smsrouter.core.template;

/** One compiled {@code | name:args} step. Its constant arguments are checked and kept at compile time. */
abstract class Filter {
    final String name;

    Filter(String name) {
        this.name = name;
    }

    /** Only {@code default} sees a missing variable; other filters pass it on untouched. */
    boolean takesMissing() {
        return false;
    }

    /** {@code pos} is the filter name's offset, where render errors point. */
    abstract Object apply(Object in, Frame f, int pos);

    TemplateException error(Frame f, int pos, String problem) {
        return f.error(pos, "filter \"" + name + "\": " + problem);
    }
}
