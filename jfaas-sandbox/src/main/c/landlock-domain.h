/*
 * A Landlock domain of its own for each call. Being in a domain is what matters: a process may
 * only trace, or read through /proc (environ, mem, fds, cwd), processes in its own domain or in
 * domains nested below it, so sibling calls are out of each other's reach. From ABI 6 (Linux 6.12)
 * the domain also scopes signals and abstract Unix sockets to itself. No file access is handled,
 * so the call's files are what its sandbox makes them. Where Landlock is missing (an older or a
 * differently built kernel) the call runs without one, as before Landlock existed.
 */
#ifndef JFAAS_LANDLOCK_DOMAIN_H
#define JFAAS_LANDLOCK_DOMAIN_H

#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* As the kernel's uapi has it since 6.12; Debian 12's headers predate it. */
struct jfaas_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

#define JFAAS_LANDLOCK_CREATE_RULESET_VERSION (1u << 0)
#define JFAAS_LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ull << 11)
#define JFAAS_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0)
#define JFAAS_LANDLOCK_SCOPE_SIGNAL (1ull << 1)

/* The Landlock ABI this kernel offers, or 0 without Landlock. */
static int jfaas_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, JFAAS_LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int) abi;
}

/* Needs no_new_privs. Returns 0 (also without Landlock), or -1 with errno set. */
static int enter_own_domain(void) {
    int abi = jfaas_landlock_abi();
    if (abi == 0) return 0;
    struct jfaas_landlock_ruleset_attr attr = {0};
    size_t size;
    if (abi >= 6) {
        attr.scoped = JFAAS_LANDLOCK_SCOPE_SIGNAL | JFAAS_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
        size = sizeof attr;
    } else {
        /* No scopes yet: handle making block devices, which nothing in a sandbox may do anyway. */
        attr.handled_access_fs = JFAAS_LANDLOCK_ACCESS_FS_MAKE_BLOCK;
        size = sizeof attr.handled_access_fs;
    }
    int ruleset = (int) syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (ruleset < 0) return -1;
    int restricted = (int) syscall(__NR_landlock_restrict_self, ruleset, 0);
    int saved = errno;
    close(ruleset);
    errno = saved;
    return restricted < 0 ? -1 : 0;
}

#endif
