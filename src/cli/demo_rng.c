/* demo_rng.c - the demo's own PRNG: xoshiro256** (Blackman and Vigna), seeded through
 * splitmix64. Our own, so the data do not change with the C library's rand(). */
#include "cli/demo.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void demo_rng_seed(struct demo_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
}

uint64_t demo_rng_next(struct demo_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double demo_rng_uniform(struct demo_rng *rng)
{
    return (double)(demo_rng_next(rng) >> 11) * 0x1.0p-53;
}

int demo_rng_below(struct demo_rng *rng, int n)
{
    if (n <= 1)
        return 0;
    return (int)((demo_rng_next(rng) >> 32) * (uint64_t)n >> 32);
}

int demo_rng_between(struct demo_rng *rng, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + demo_rng_below(rng, hi - lo + 1);
}

bool demo_rng_chance(struct demo_rng *rng, double p)
{
    return demo_rng_uniform(rng) < p;
}

double demo_rng_normal(struct demo_rng *rng)
{
    double sum = 0;
    for (int i = 0; i < 4; i++)
        sum += demo_rng_uniform(rng);
    return (sum - 2.0) * 1.7320508075688772; /* variance of the sum is 4/12 */
}

int demo_rng_weighted(struct demo_rng *rng, const double *weights, int count)
{
    double total = 0;
    for (int i = 0; i < count; i++)
        total += weights[i];
    double x = demo_rng_uniform(rng) * total;
    for (int i = 0; i < count; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    for (int i = count - 1; i > 0; i--) /* rounding left x at the end: the last one possible */
        if (weights[i] > 0)
            return i;
    return 0;
}

double demo_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}
