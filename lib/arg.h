/*
 * arg.h - command-line parsing shared by the five tools.
 *
 * opt_next() is getopt(3) with the suite's rules: no permutation, "--" and
 * the first operand end the options, and getopt's own messages are replaced
 * by one "prog: -X: why" line and exit 2.  The arg_*() functions check one
 * option value against the contract and die with status 2 naming the option.
 */
#ifndef PRREG_ARG_H
#define PRREG_ARG_H

#include <sys/types.h>
#include <unistd.h>		/* optarg, optind */

int opt_next(int argc, char *const argv[], const char *opts);
int opt_common(int c, const char *usage, const char **ropt);
void opt_no_operands(int argc, char *const argv[]);
const char *arg_shown(const char *v);	/* a bad value, safe to print */
const char *arg_word(int opt, const char *v);
const char *arg_token(int opt, const char *v);
const char *arg_envname(int opt, const char *v);
pid_t arg_pid(int opt, const char *v);	/* opt 0: an operand */
unsigned long arg_count(int opt, const char *v, unsigned long min,
    unsigned long max);
long long arg_secs(int opt, const char *v);
int arg_signal(int opt, const char *v);
int sig_parse(const char *v);
const char *sig_name(int sig);

#endif
