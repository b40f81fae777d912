/* A small calculator: tokenises and evaluates integer expressions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

static const char *cursor;

static void skip_space(void)
{
    while (*cursor == ' ' || *cursor == '\t')
        cursor++;
}

static long parse_sum(int *error);

static long parse_atom(int *error)
{
    skip_space();
    if (*cursor == '(') {
        cursor++;
        long value = parse_sum(error);
        skip_space();
        if (*cursor != ')') {
            *error = 1;
            return 0;
        }
        cursor++;
        return value;
    }
    if (*cursor == '-') {
        cursor++;
        return -parse_atom(error);
    }
    if (!isdigit((unsigned char)*cursor)) {
        *error = 1;
        return 0;
    }
    long value = 0;
    while (isdigit((unsigned char)*cursor)) {
        value = value * 10 + (*cursor - '0');
        cursor++;
    }
    return value;
}

static long parse_product(int *error)
{
    long value = parse_atom(error);
    for (;;) {
        skip_space();
        char op = *cursor;
        if (op != '*' && op != '/' && op != '%')
            return value;
        cursor++;
        long right = parse_atom(error);
        switch (op) {
        case '*':
            value *= right;
            break;
        case '/':
            if (right == 0) {
                *error = 2;
                return 0;
            }
            value /= right;
            break;
        default:
            if (right == 0) {
                *error = 2;
                return 0;
            }
            value %= right;
        }
    }
}

static long parse_sum(int *error)
{
    long value = parse_product(error);
    for (;;) {
        skip_space();
        if (*cursor == '+') {
            cursor++;
            value += parse_product(error);
        } else if (*cursor == '-') {
            cursor++;
            value -= parse_product(error);
        } else {
            return value;
        }
    }
}

long calc_eval(const char *text, int *error)
{
    *error = 0;
    cursor = text;
    long value = parse_sum(error);
    skip_space();
    if (*error == 0 && *cursor != '\0')
        *error = 1;
    return *error ? 0 : value;
}
