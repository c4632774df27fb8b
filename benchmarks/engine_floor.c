/* The multi-pattern engine's own rate, with no Python in the loop: what a compiled read -> scan loop could reach.
 *
 * Reads (from files written by engine_floor.py) length-prefixed patterns and messages, compiles the patterns with
 * the flags prodlens uses (block mode, DOTALL | SINGLEMATCH), scans every message on its own as prodlens does, and
 * prints: matches, best-of-N nanoseconds per message. Build: gcc -O2 engine_floor.c -lhs
 */
#include <hs/hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char **read_items(const char *path, uint32_t **sizes, size_t *count) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    size_t cap = 1024, n = 0;
    char **items = malloc(cap * sizeof *items);
    *sizes = malloc(cap * sizeof **sizes);
    uint32_t size;
    while (fread(&size, sizeof size, 1, f) == 1) {
        if (n == cap) { cap *= 2; items = realloc(items, cap * sizeof *items); *sizes = realloc(*sizes, cap * sizeof **sizes); }
        items[n] = malloc(size + 1);
        if (fread(items[n], 1, size, f) != size) { fprintf(stderr, "%s: truncated\n", path); exit(2); }
        items[n][size] = 0;
        (*sizes)[n++] = size;
    }
    fclose(f);
    *count = n;
    return items;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx) {
    (void)id; (void)from; (void)to; (void)flags;
    ++*(unsigned long long *)ctx;
    return 0;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s PATTERNS MESSAGES [REPEAT]\n", argv[0]); return 2; }
    int repeat = argc > 3 ? atoi(argv[3]) : 3;
    uint32_t *psizes, *msizes;
    size_t npatterns, nmessages;
    char **patterns = read_items(argv[1], &psizes, &npatterns);
    char **messages = read_items(argv[2], &msizes, &nmessages);
    unsigned *flags = malloc(npatterns * sizeof *flags), *ids = malloc(npatterns * sizeof *ids);
    for (size_t i = 0; i < npatterns; i++) { flags[i] = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH; ids[i] = (unsigned)i; }
    hs_database_t *db;
    hs_compile_error_t *error;
    if (hs_compile_multi((const char *const *)patterns, flags, ids, (unsigned)npatterns, HS_MODE_BLOCK, NULL, &db,
                         &error) != HS_SUCCESS) {
        fprintf(stderr, "compile failed: %s (pattern %d)\n", error->message, error->expression);
        return 1;
    }
    hs_scratch_t *scratch = NULL;
    hs_alloc_scratch(db, &scratch);
    double best = 1e30;
    unsigned long long matches = 0;
    for (int r = 0; r < repeat; r++) {
        matches = 0;
        double started = now();
        for (size_t i = 0; i < nmessages; i++)
            hs_scan(db, messages[i], msizes[i], 0, scratch, on_match, &matches);
        double took = now() - started;
        if (took < best) best = took;
    }
    printf("%llu %.1f\n", matches, best * 1e9 / (double)nmessages);
    return 0;
}
