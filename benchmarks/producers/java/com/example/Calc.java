package com.example;

import java.util.ArrayList;
import java.util.List;

/** A small calculator over a list of tokens. */
public final class Calc {
    private final List<String> tokens = new ArrayList<>();
    private int position;

    public Calc(String text) {
        for (String token : text.trim().split("\\s+")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
    }

    public long evaluate() {
        position = 0;
        long value = sum();
        if (position != tokens.size()) {
            throw new IllegalArgumentException("unexpected " + tokens.get(position));
        }
        return value;
    }

    private long sum() {
        long value = product();
        while (position < tokens.size()) {
            String op = tokens.get(position);
            if (op.equals("+")) {
                position++;
                value += product();
            } else if (op.equals("-")) {
                position++;
                value -= product();
            } else {
                break;
            }
        }
        return value;
    }

    private long product() {
        long value = atom();
        while (position < tokens.size()) {
            String op = tokens.get(position);
            switch (op) {
                case "*":
                    position++;
                    value *= atom();
                    break;
                case "/":
                    position++;
                    long right = atom();
                    if (right == 0) {
                        throw new ArithmeticException("division by zero");
                    }
                    value /= right;
                    break;
                default:
                    return value;
            }
        }
        return value;
    }

    private long atom() {
        if (position >= tokens.size()) {
            throw new IllegalArgumentException("missing operand");
        }
        String token = tokens.get(position++);
        if (token.startsWith("-") && token.length() > 1) {
            return -Long.parseLong(token.substring(1));
        }
        return Long.parseLong(token);
    }
}
