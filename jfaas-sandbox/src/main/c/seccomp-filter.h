/*
 * The seccomp filter every program of a function runs under, modelled on Docker's default profile:
 * what an unprivileged container is refused there is refused here, with EPERM (ENOSYS for clone3,
 * so C libraries fall back to clone, whose namespace flags can then be checked). Kernel keyrings,
 * BPF, perf events, userfaultfd, io_uring, mounts, new namespaces, module and kexec loading, clock
 * and host settings, file handles, swap, syslog, NUMA placement, LDT changes, vsock sockets; and
 * any other syscall ABI (32-bit, x32) kills the process. Everything else is allowed: ptrace and process_vm_* reach only the call's own
 * processes, which are alone in their pid namespace.
 */
#ifndef JFAAS_SECCOMP_FILTER_H
#define JFAAS_SECCOMP_FILTER_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define JFAAS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define JFAAS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "jfaas-spawner knows the syscall ABI of x86_64 and aarch64 only"
#endif

static const int jfaas_denied_syscalls[] = {
    __NR_acct, __NR_add_key, __NR_bpf, __NR_clock_adjtime, __NR_clock_settime, __NR_delete_module,
    __NR_finit_module, __NR_init_module, __NR_kexec_load, __NR_keyctl, __NR_request_key,
    __NR_mount, __NR_umount2, __NR_pivot_root, __NR_name_to_handle_at, __NR_open_by_handle_at,
    __NR_perf_event_open, __NR_quotactl, __NR_reboot, __NR_setdomainname, __NR_sethostname,
    __NR_setns, __NR_settimeofday, __NR_swapon, __NR_swapoff, __NR_syslog, __NR_unshare,
    __NR_vhangup, __NR_lookup_dcookie, __NR_fanotify_init, __NR_kcmp,
    /* Docker allows these only with CAP_SYS_NICE, which no container has by default. */
    __NR_mbind, __NR_set_mempolicy, __NR_move_pages, __NR_migrate_pages,
#ifdef __NR_modify_ldt
    __NR_modify_ldt,
#endif
#ifdef __NR_set_mempolicy_home_node
    __NR_set_mempolicy_home_node,
#endif
#ifdef __NR_memfd_secret
    __NR_memfd_secret,
#endif
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
#ifdef __NR_userfaultfd
    __NR_userfaultfd,
#endif
#ifdef __NR_io_uring_setup
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
#ifdef __NR_open_tree
    __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
    __NR_mount_setattr,
#endif
#ifdef __NR_quotactl_fd
    __NR_quotactl_fd,
#endif
#ifdef __NR_create_module
    __NR_create_module,
#endif
#ifdef __NR_get_kernel_syms
    __NR_get_kernel_syms,
#endif
#ifdef __NR_nfsservctl
    __NR_nfsservctl,
#endif
#ifdef __NR_uselib
    __NR_uselib,
#endif
#ifdef __NR_ustat
    __NR_ustat,
#endif
#ifdef __NR__sysctl
    __NR__sysctl,
#endif
#ifdef __NR_iopl
    __NR_iopl, __NR_ioperm,
#endif
#ifdef __NR_vm86
    __NR_vm86,
#endif
#ifdef __NR_vm86old
    __NR_vm86old,
#endif
};

/* clone(2) with any of these makes a namespace: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
#define JFAAS_NAMESPACE_FLAGS 0x7E020000u

enum { JFAAS_ALLOW = -1, JFAAS_EPERM = -2, JFAAS_ENOSYS = -3 };

struct jfaas_filter {
    struct sock_filter code[200];
    int targets[200][2]; /* where a jump goes when true / false: an index, a JFAAS_ return, or 0 = next */
    int length;
};

static void jfaas_emit(struct jfaas_filter *f, struct sock_filter instruction, int when_true, int when_false) {
    f->code[f->length] = instruction;
    f->targets[f->length][0] = when_true;
    f->targets[f->length][1] = when_false;
    f->length++;
}

#define JFAAS_LOAD(offset) (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (offset))
#define JFAAS_RET(value) (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, (value))
#define JFAAS_JUMP(op, k) (struct sock_filter) BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), 0, 0)

/*
 * Installs the filter on the calling thread (and so on what it execs). Needs no_new_privs, which
 * every sandbox has. With {@code no_tracing}, ptrace and process_vm_* are refused too: for a
 * kernel without Landlock, where nothing else keeps a function from tracing the sandbox's own
 * first process (bwrap's, which no filter covers) and running code there unfiltered.
 * Returns 0, or -1 with errno set.
 */
static int jfaas_install_seccomp(int no_tracing) {
    static struct jfaas_filter f;
    f.length = 0;
    jfaas_emit(&f, JFAAS_LOAD(offsetof(struct seccomp_data, arch)), 0, 0);
    int arch_check = f.length;
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, JFAAS_AUDIT_ARCH), 0, 0);
    jfaas_emit(&f, JFAAS_RET(SECCOMP_RET_KILL_PROCESS), 0, 0);
    f.targets[arch_check][1] = arch_check + 1; /* a foreign ABI: the kill just after */
    f.targets[arch_check][0] = arch_check + 2;
    jfaas_emit(&f, JFAAS_LOAD(offsetof(struct seccomp_data, nr)), 0, 0);
#if defined(__x86_64__)
    jfaas_emit(&f, JFAAS_JUMP(BPF_JGE, 0x40000000u), JFAAS_EPERM, 0); /* the x32 ABI */
#endif
    for (size_t i = 0; i < sizeof jfaas_denied_syscalls / sizeof jfaas_denied_syscalls[0]; i++) {
        jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, (unsigned) jfaas_denied_syscalls[i]), JFAAS_EPERM, 0);
    }
    if (no_tracing) {
        jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_ptrace), JFAAS_EPERM, 0);
        jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_process_vm_readv), JFAAS_EPERM, 0);
        jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_process_vm_writev), JFAAS_EPERM, 0);
    }
#ifdef __NR_clone3
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_clone3), JFAAS_ENOSYS, 0);
#endif
    /* personality(2): only the values Docker allows (query, Linux, 32-bit Linux, uname26). */
    int personality = f.length;
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_personality), 0, 0);
    jfaas_emit(&f, JFAAS_LOAD(offsetof(struct seccomp_data, args[0])), 0, 0);
    unsigned allowed[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffffu};
    for (int i = 0; i < 5; i++) jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, allowed[i]), JFAAS_ALLOW, 0);
    jfaas_emit(&f, JFAAS_RET(SECCOMP_RET_ERRNO | EPERM), 0, 0);
    f.targets[personality][1] = f.length; /* not personality: on to socket */
    /* socket(2) of AF_VSOCK: vsock reaches the hypervisor and other guests, whatever the network namespace. */
    int socket = f.length;
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_socket), 0, 0);
    jfaas_emit(&f, JFAAS_LOAD(offsetof(struct seccomp_data, args[0])), 0, 0);
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, 40 /* AF_VSOCK */), JFAAS_EPERM, JFAAS_ALLOW);
    f.targets[socket][1] = f.length; /* not socket: on to clone */
    /* clone(2) making namespaces; the flags are the low half of its first argument. */
    int clone = f.length;
    jfaas_emit(&f, JFAAS_JUMP(BPF_JEQ, __NR_clone), 0, JFAAS_ALLOW);
    (void) clone;
    jfaas_emit(&f, JFAAS_LOAD(offsetof(struct seccomp_data, args[0])), 0, 0);
    jfaas_emit(&f, JFAAS_JUMP(BPF_JSET, JFAAS_NAMESPACE_FLAGS), JFAAS_EPERM, JFAAS_ALLOW);
    int allow = f.length, eperm = allow + 1, enosys = allow + 2;
    jfaas_emit(&f, JFAAS_RET(SECCOMP_RET_ALLOW), 0, 0);
    jfaas_emit(&f, JFAAS_RET(SECCOMP_RET_ERRNO | EPERM), 0, 0);
    jfaas_emit(&f, JFAAS_RET(SECCOMP_RET_ERRNO | ENOSYS), 0, 0);
    for (int i = 0; i < f.length; i++) {
        if (BPF_CLASS(f.code[i].code) != BPF_JMP) continue;
        for (int branch = 0; branch < 2; branch++) {
            int target = f.targets[i][branch];
            int index = target == JFAAS_ALLOW ? allow : target == JFAAS_EPERM ? eperm
                    : target == JFAAS_ENOSYS ? enosys : target == 0 ? i + 1 : target;
            int offset = index - (i + 1);
            if (offset < 0 || offset > 255) {
                errno = E2BIG;
                return -1;
            }
            if (branch == 0) f.code[i].jt = (unsigned char) offset; else f.code[i].jf = (unsigned char) offset;
        }
    }
    struct sock_fprog program = {.len = (unsigned short) f.length, .filter = f.code};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}

#endif
