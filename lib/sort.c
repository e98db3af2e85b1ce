/* sort.c - a merge sort, or a heapsort, with qsort(3)'s interface. */
#include <stdlib.h>
#include <string.h>

#include "sort.h"

typedef int cmp_fn(const void *, const void *);

static void
swap(char *a, char *b, size_t size)
{
	char t;

	for (; size > 0; size--, a++, b++)
		t = *a, *a = *b, *b = t;
}

/* The item at ROOT down the heap of the first N, to its place. */
static void
sift(char *base, size_t root, size_t n, size_t size, cmp_fn *cmp)
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

static void
heap_sort(char *b, size_t n, size_t size, cmp_fn *cmp)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift(b, i, n, size, cmp);
	for (i = n; i-- > 1;) {
		swap(b, b + i * size, size);
		sift(b, 0, i, size, cmp);
	}
}

/* Runs of W from SRC, merged by twos into DST. */
static void
merge_pass(const char *src, char *dst, size_t n, size_t w, size_t size,
    cmp_fn *cmp)
{
	size_t i, l, r, le, re, k;

	for (i = 0; i < n; i += 2 * w) {
		l = i, k = i;
		le = r = n - i > w ? i + w : n;
		re = n - le > w ? le + w : n;
		while (l < le && r < re)
			memcpy(dst + k++ * size, cmp(src + l * size,
			    src + r * size) <= 0 ? src + l++ * size :
			    src + r++ * size, size);
		memcpy(dst + k * size, src + l * size, (le - l) * size);
		k += le - l;
		memcpy(dst + k * size, src + r * size, (re - r) * size);
	}
}

void
list_sort(void *base, size_t n, size_t size, cmp_fn *cmp)
{
	char *b = base, *t, *src, *dst, *x;
	size_t i, w;

	for (i = 1; i < n && cmp(b + (i - 1) * size, b + i * size) <= 0; i++)
		;
	if (i >= n)
		return;
	if ((t = malloc(n * size)) == NULL) {
		heap_sort(b, n, size, cmp);
		return;
	}
	for (src = b, dst = t, w = 1; w < n; w *= 2) {
		merge_pass(src, dst, n, w, size, cmp);
		x = src, src = dst, dst = x;
	}
	if (src != b)
		memcpy(b, src, n * size);
	free(t);
}
