/*
 * clock.h - the monotonic clock in nanoseconds, and the one backoff of the
 * suite: waits that must look again by hand (no kernel event to sleep on)
 * start at 1 ms and double up to 10 ms, so that a change is seen within
 * 10 ms and an idle wait costs little.  Jitter keeps waiters out of step.
 */
#ifndef PRREG_CLOCK_H
#define PRREG_CLOCK_H

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
#define BACKOFF_MIN_NS (1 * NS_PER_MS)
#define BACKOFF_MAX_NS (10 * NS_PER_MS)

struct backoff {
	long long ns;		/* the next wait; 0: not started */
};

long long now_ns(void);
long long backoff_next(struct backoff *b, long long left);
void backoff_reset(struct backoff *b);
int ns_to_ms(long long ns);
void sleep_ns(long long ns);
unsigned long long jitter_seed(void);

#endif
