#include <stdio.h>
#include <stdlib.h>
#include "calc.h"

int main(void)
{
    static const char *cases[] = {"1 + 2 * 3", "(4 - 6) * -2", "7 / 0", "8 % 3", "2 +", "((1))"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int error;
        long value = calc_eval(cases[i], &error);
        if (error)
            printf("%s: error %d\n", cases[i], error);
        else
            printf("%s = %ld\n", cases[i], value);
    }
    char *reversed = words_reverse("  the quick  brown fox ");
    printf("%d words, reversed: %s (clamped %d)\n", words_count("the quick brown fox"),
           reversed ? reversed : "?", clamp(42, 0, 10));
    free(reversed);
    return 0;
}
