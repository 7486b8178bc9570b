package io.smsrouter.core.template;

/**
 * Whole numbers in words, Russian and English (short scale, American style: "one hundred one",
 * "twenty-one"), and the Russian choice among the one/few/many noun forms.
 */
final class NumberWords {
    /** The largest magnitude spelled out: 999 квадриллионов... 999. */
    static final long MAX = 999_999_999_999_999_999L;

    enum Gender { MASCULINE, FEMININE, NEUTER }

    private static final String[] RU_UNITS = {"", "один", "два", "три", "четыре", "пять", "шесть", "семь",
        "восемь", "девять"};
    private static final String[] RU_TEENS = {"десять", "одиннадцать", "двенадцать", "тринадцать",
        "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
    private static final String[] RU_TENS = {"", "", "двадцать", "тридцать", "сорок", "пятьдесят",
        "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
    private static final String[] RU_HUNDREDS = {"", "сто", "двести", "триста", "четыреста", "пятьсот",
        "шестьсот", "семьсот", "восемьсот", "девятьсот"};
    // From the highest group down to thousands: {one, few, many} and whether the word is feminine.
    private static final String[][] RU_SCALES = {
        {"квадриллион", "квадриллиона", "квадриллионов"},
        {"триллион", "триллиона", "триллионов"},
        {"миллиард", "миллиарда", "миллиардов"},
        {"миллион", "миллиона", "миллионов"},
        {"тысяча", "тысячи", "тысяч"},
    };

    private static final String[] EN_ONES = {"", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen"};
    private static final String[] EN_TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
        "seventy", "eighty", "ninety"};
    private static final String[] EN_SCALES = {"quadrillion", "trillion", "billion", "million", "thousand"};

    private static final long[] GROUPS = {1_000_000_000_000_000L, 1_000_000_000_000L, 1_000_000_000L,
        1_000_000L, 1_000L};

    private NumberWords() {
    }

    static String russian(long n, Gender gender) {
        checkRange(n);
        if (n == 0) {
            return "ноль";
        }
        StringBuilder sb = new StringBuilder(64);
        if (n < 0) {
            sb.append("минус");
            n = -n;
        }
        for (int g = 0; g < GROUPS.length; g++) {
            int triad = (int) (n / GROUPS[g] % 1000);
            if (triad != 0) {
                russianTriad(sb, triad, g == GROUPS.length - 1 ? Gender.FEMININE : Gender.MASCULINE);
                String[] forms = RU_SCALES[g];
                space(sb).append(forms[russianForm(triad)]);
            }
        }
        int last = (int) (n % 1000);
        if (last != 0) {
            russianTriad(sb, last, gender);
        }
        return sb.toString();
    }

    private static void russianTriad(StringBuilder sb, int triad, Gender gender) {
        int hundreds = triad / 100;
        int rest = triad % 100;
        if (hundreds > 0) {
            space(sb).append(RU_HUNDREDS[hundreds]);
        }
        if (rest >= 10 && rest < 20) {
            space(sb).append(RU_TEENS[rest - 10]);
            return;
        }
        if (rest >= 20) {
            space(sb).append(RU_TENS[rest / 10]);
        }
        int unit = rest % 10;
        if (unit == 1 && gender == Gender.FEMININE) {
            space(sb).append("одна");
        } else if (unit == 1 && gender == Gender.NEUTER) {
            space(sb).append("одно");
        } else if (unit == 2 && gender == Gender.FEMININE) {
            space(sb).append("две");
        } else if (unit > 0) {
            space(sb).append(RU_UNITS[unit]);
        }
    }

    static String english(long n) {
        checkRange(n);
        if (n == 0) {
            return "zero";
        }
        StringBuilder sb = new StringBuilder(64);
        if (n < 0) {
            sb.append("minus");
            n = -n;
        }
        for (int g = 0; g < GROUPS.length; g++) {
            int triad = (int) (n / GROUPS[g] % 1000);
            if (triad != 0) {
                englishTriad(sb, triad);
                space(sb).append(EN_SCALES[g]);
            }
        }
        int last = (int) (n % 1000);
        if (last != 0) {
            englishTriad(sb, last);
        }
        return sb.toString();
    }

    private static void englishTriad(StringBuilder sb, int triad) {
        int hundreds = triad / 100;
        int rest = triad % 100;
        if (hundreds > 0) {
            space(sb).append(EN_ONES[hundreds]).append(" hundred");
        }
        if (rest >= 20) {
            space(sb).append(EN_TENS[rest / 10]);
            if (rest % 10 != 0) {
                sb.append('-').append(EN_ONES[rest % 10]);
            }
        } else if (rest > 0) {
            space(sb).append(EN_ONES[rest]);
        }
    }

    /**
     * Index of the Russian noun form for a whole number: 0 for 1, 21, 101 (товар), 1 for 2-4, 22-24
     * (товара), 2 for 0, 5-20, 25-30, 111-114 (товаров). Only the last two digits matter.
     */
    static int russianForm(long n) {
        long abs = Math.abs(n % 100);
        if (abs >= 11 && abs <= 14) {
            return 2;
        }
        long last = abs % 10;
        if (last == 1) {
            return 0;
        }
        return last >= 2 && last <= 4 ? 1 : 2;
    }

    private static StringBuilder space(StringBuilder sb) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        return sb;
    }

    private static void checkRange(long n) {
        if (n > MAX || n < -MAX) {
            throw new IllegalArgumentException("too large to spell out: " + n);
        }
    }
}
