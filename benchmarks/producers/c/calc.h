#ifndef CALC_H
#define CALC_H
long calc_eval(const char *text, int *error);
int words_count(const char *text);
char *words_reverse(const char *text);

static inline int clamp(int value, int low, int high)
{
    if (value < low)
        return low;
    return value > high ? high : value;
}
#endif
