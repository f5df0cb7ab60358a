/* bench_score.c - how fast the one scoring path is: PHQ-9 and GAD-7 answers scored per second
 * through instrument_score(), the function every submission goes through. Prints figures only;
 * nothing here is a test. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/instrument.h"
#include "data/datafiles.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_one(const struct instrument *ins, long rounds)
{
    int positions[INSTRUMENT_MAX_ITEMS];
    struct instrument_score score;
    unsigned seed = 12345;
    long checksum = 0;
    int count = ins->item_count;
    while (count > 0 && ins->items[count - 1].optional)
        count--;
    double start = seconds_now();
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            positions[i] = (int)((seed >> 16) % (unsigned)ins->items[i].option_count);
        }
        if (instrument_score(ins, positions, count, SEX_UNKNOWN, &score, NULL) == ERR_OK)
            checksum += score.total;
    }
    double elapsed = seconds_now() - start;
    printf("| score %-6s | %10ld | %8.3f s | %12.0f /s | %6.1f ns | checksum %ld |\n", ins->id,
           rounds, elapsed, (double)rounds / elapsed, elapsed * 1e9 / (double)rounds, checksum);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 2000000;
    struct instrument_catalog cat;
    struct error err;
    if (datafiles_load_instruments(datafiles_dir(NULL), &cat, &err) != ERR_OK) {
        fprintf(stderr, "bench_score: %s\n", err.message);
        return 1;
    }
    printf("| what | rounds | time | rate | per call | |\n|---|---|---|---|---|---|\n");
    bench_one(instrument_find(&cat, "phq9"), rounds);
    bench_one(instrument_find(&cat, "gad7"), rounds);
    bench_one(instrument_find(&cat, "audit"), rounds);
    instrument_catalog_release(&cat);
    return 0;
}
