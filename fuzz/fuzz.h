/* What every harness in fuzz/ shares: libFuzzer's entry point, which
 * fuzz/replay.c also calls without libFuzzer, and the check that stops a
 * run when a property of the code under test does not hold. */
#ifndef VPOINTS_FUZZ_H
#define VPOINTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken property is a finding: say which, then crash for the fuzzer. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property broken: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
