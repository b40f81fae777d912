package com.example;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String[] cases = {"1 + 2 * 3", "8 / 2 - -3", "7 / 0", "2 +"};
        for (String text : cases) {
            try {
                System.out.println(text + " = " + new Calc(text).evaluate());
            } catch (RuntimeException e) {
                System.out.println(text + ": " + e.getMessage());
            }
        }
        Words.Counter counter = new Words.Counter();
        counter.add("the quick brown fox");
        System.out.println(counter.total() + " " + Words.shout("hi")
                + " " + Words.longerThan(3).test("quick"));
    }
}
