/* Word helpers: count and reverse the words of a line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "calc.h"

int words_count(const char *text)
{
    int count = 0, inside = 0;
    for (; *text; text++) {
        if (isspace((unsigned char)*text)) {
            inside = 0;
        } else if (!inside) {
            inside = 1;
            count++;
        }
    }
    return count;
}

char *words_reverse(const char *text)
{
    size_t length = strlen(text);
    char *out = malloc(length + 1);
    if (out == NULL)
        return NULL;
    size_t written = 0;
    size_t end = length;
    while (end > 0) {
        while (end > 0 && isspace((unsigned char)text[end - 1]))
            end--;
        size_t start = end;
        while (start > 0 && !isspace((unsigned char)text[start - 1]))
            start--;
        if (start == end)
            break;
        if (written > 0)
            out[written++] = ' ';
        memcpy(out + written, text + start, end - start);
        written += end - start;
        end = start;
    }
    out[written] = '\0';
    return out;
}

/* Never called by main: shows up as uncovered. */
int words_longest(const char *text)
{
    int best = 0, current = 0;
    for (; *text; text++) {
        if (isspace((unsigned char)*text))
            current = 0;
        else if (++current > best)
            best = current;
    }
    return best;
}
