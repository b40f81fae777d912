package com.example;

import java.util.Locale;
import java.util.function.Predicate;

/** Word helpers, with a nested and an anonymous class. */
public final class Words {
    private Words() {
    }

    public static int count(String text) {
        int count = 0;
        boolean inside = false;
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c)) {
                inside = false;
            } else if (!inside) {
                inside = true;
                count++;
            }
        }
        return count;
    }

    public static String shout(String text) {
        return text == null ? "" : text.toUpperCase(Locale.ROOT) + "!";
    }

    public static Predicate<String> longerThan(final int size) {
        return new Predicate<String>() {
            @Override
            public boolean test(String word) {
                return word != null && word.length() > size;
            }
        };
    }

    static final class Counter {
        private int total;

        void add(String text) {
            total += count(text);
        }

        int total() {
            return total;
        }
    }
}
