/* clock.c - now in nanoseconds, backoff between looks, sleeps. */
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* A fresh pseudo-random number each call (jitter, temp names). */
unsigned long long
jitter_seed(void)
{
	static unsigned long long s;

	if (s == 0)
		s = (unsigned long long)getpid() * 2654435761u +
		    (unsigned long long)now_ns();
	s = s * 6364136223846793005ULL + 1442695040888963407ULL;
	return s >> 11;
}

/*
 * The next wait: 1 ms, doubling to 10 ms, a quarter of jitter on top, and
 * never past LEFT (the time left before a deadline).
 */
long long
backoff_next(struct backoff *b, long long left)
{
	long long ns;

	b->ns = b->ns == 0 ? BACKOFF_MIN_NS :
	    (b->ns * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : b->ns * 2);
	ns = b->ns + (long long)(jitter_seed() %
	    (unsigned long long)(b->ns / 4 + 1));
	return ns < left ? ns : (left > 0 ? left : 0);
}

/* Something happened: look again soon. */
void
backoff_reset(struct backoff *b)
{
	b->ns = 0;
}

/* NS as a poll(2) timeout: rounded up, at most INT_MAX ms. */
int
ns_to_ms(long long ns)
{
	if (ns <= 0)
		return 0;
	if (ns >= (long long)INT_MAX * NS_PER_MS)
		return INT_MAX;
	return (int)((ns + NS_PER_MS - 1) / NS_PER_MS);
}

void
sleep_ns(long long ns)
{
	struct timespec ts;

	if (ns <= 0)
		return;
	ts.tv_sec = ns / NS_PER_S;
	ts.tv_nsec = ns % NS_PER_S;
	nanosleep(&ts, NULL);
}
