/*
 * A call that tries to outlive itself, as an attacker's review did: a chain of CLONE_VM processes,
 * each staying alive once it has made the next, the newest retrying as soon as a pid is free. A
 * killer that walks the process tree removes one level at a time while the chain grows at the
 * other end. The call itself ends at once.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int link_fn(void *arg) {
    (void) arg;
    setpgid(0, 0); /* out of the call's process group, so killing the group misses it */
    for (;;) {
        char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack != MAP_FAILED && clone(link_fn, stack + 65536, CLONE_VM | SIGCHLD, NULL) > 0) break;
        if (stack != MAP_FAILED) munmap(stack, 65536);
        nanosleep(&(struct timespec) {0, 20000}, NULL);
    }
    for (;;) pause();
}

int main(void) {
    char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    clone(link_fn, stack + 65536, CLONE_VM | SIGCHLD, NULL);
    nanosleep(&(struct timespec) {0, 50000000}, NULL); /* let the chain grow */
    return 0;
}
