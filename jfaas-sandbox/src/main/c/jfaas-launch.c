/*
 * jfaas-launch: the first program of every replica, started by the gateway on the host. Before
 * anything of the function runs it puts itself into the replica's cgroups, makes what the sandbox
 * is handed (the control socket, a network namespace of its own with one veth link), drops to the
 * function's user, and then becomes the sandbox (bwrap). Doing it here, in one process that execs,
 * means nothing the function does can race with it, and the gateway never has to reach into a
 * running sandbox by a path the function could change.
 *
 *   jfaas-launch [--cgroup FILE]... [--listen PATH]
 *                [--net HOSTIF HOSTADDR ADDR PREFIXLEN [--egress] [--loopback-port PORT]]
 *                [--app-dir PATH STAGING] [--user UID] -- PROGRAM [ARGS...]
 *
 * --cgroup FILE  writes its pid into FILE (a cgroup.procs), so everything below runs in the cgroup.
 * --listen PATH  binds a Unix socket at PATH (0600, the gateway's) and hands it to PROGRAM as fd 3,
 *                bound but not listening: the spawner inside listens on it, so the credentials the
 *                gateway reads with SO_PEERCRED are the spawner's.
 * --net ...      a new network namespace holding loopback and eth0 (ADDR/PREFIXLEN), whose peer
 *                HOSTIF (HOSTADDR/PREFIXLEN) stays on the host; with --egress a default route through
 *                the host. The namespace and both links vanish with the last process in it. With
 *                --loopback-port, connections to ADDR:PORT go on to 127.0.0.1:PORT inside (an
 *                nftables rule of the namespace's own), so a server bound to loopback only, as the
 *                watchdog's contract allows, is reached as well as one bound to every address.
 * --app-dir PATH STAGING  in a mount namespace of its own (private: nothing reaches the host's),
 *                bind-mounts the function's directory PATH on STAGING while it is still the gateway's
 *                user, so the sandbox (bwrap, as the function's user) binds it from STAGING: the
 *                function's user needs no way through PATH's parents (a directory under /root works),
 *                only the right to read the directory itself. (bwrap --bind-fd resolves its fd back
 *                to the path, as the function's user, so it does not help here.)
 * --user UID     becomes UID/GID UID with no supplementary groups, no capabilities (bounding and
 *                ambient sets emptied) and no_new_privs.
 * --args-fd      hands PROGRAM (bwrap) its arguments through a descriptor (bwrap --args 4), not its
 *                command line: the sandbox's first process is a copy of bwrap, and its command line,
 *                readable in the sandbox's /proc, would name the host's paths the sandbox is made of.
 * Exit status 125 and one line on stderr when a step fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONTROL_FD 3
#define ARGS_FD 4

static void die(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs("jfaas-launch: ", stderr);
    vfprintf(stderr, format, args);
    if (errno != 0) fprintf(stderr, ": %s", strerror(errno));
    fputc('\n', stderr);
    va_end(args);
    _exit(125);
}

#include "replica-network.h"

static void join_cgroup(const char *procs) {
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%d\n", (int) getpid());
    if (fd < 0 || write(fd, pid, (size_t) n) != n) die("cannot join the cgroup %s", procs);
    close(fd);
}

static void bind_control_socket(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        die("cannot bind %s", path);
    }
    strcpy(address.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0) die("cannot make a socket");
    unlink(path);
    mode_t old = umask(0177);
    int bound = bind(sock, (struct sockaddr *) &address, sizeof address);
    umask(old);
    if (bound < 0) die("cannot bind %s", path);
    if (sock != CONTROL_FD) {
        if (dup2(sock, CONTROL_FD) < 0) die("cannot hand the socket on");
        close(sock);
    }
}

/* No capability, in no set, and no way to gain one: as setpriv --inh-caps=-all --bounding-set=-all. */
static void become(uid_t uid) {
    if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0) die("cannot become gid %u", (unsigned) uid);
    for (int cap = 0; cap <= 63; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) die("cannot drop capability %d", cap);
    }
    errno = 0;
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (setresuid(uid, uid, uid) < 0) die("cannot become uid %u", (unsigned) uid);
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct none[2] = {{0}};
    if (syscall(SYS_capset, &header, none) < 0) die("cannot clear capabilities");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("cannot set no_new_privs");
}

static void usage(void) {
    fprintf(stderr, "usage: jfaas-launch [--cgroup FILE]... [--listen PATH] [--net HOSTIF HOSTADDR ADDR PREFIXLEN [--egress]] "
                    "[--loopback-port PORT] [--app-dir PATH STAGING] [--user UID] [--args-fd] -- PROGRAM [ARGS...]\n");
    _exit(125);
}

int main(int argc, char **argv) {
    const char *listen_path = NULL, *host_if = NULL, *host_address = NULL, *address = NULL;
    const char *loopback_port = NULL, *app_dir = NULL, *app_staging = NULL;
    int prefix = 0, egress = 0, args_fd = 0;
    long uid = -1;
    int i = 1;
    /* Cgroups first, so that whatever follows (the namespace, the sandbox) is already inside. */
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--cgroup") == 0 && i + 1 < argc) {
            join_cgroup(argv[++i]);
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_path = argv[++i];
        } else if (strcmp(argv[i], "--net") == 0 && i + 4 < argc) {
            host_if = argv[++i];
            host_address = argv[++i];
            address = argv[++i];
            prefix = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--egress") == 0) {
            egress = 1;
        } else if (strcmp(argv[i], "--args-fd") == 0) {
            args_fd = 1;
        } else if (strcmp(argv[i], "--app-dir") == 0 && i + 2 < argc) {
            app_dir = argv[++i];
            app_staging = argv[++i];
        } else if (strcmp(argv[i], "--loopback-port") == 0 && i + 1 < argc) {
            loopback_port = argv[++i];
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            char *end;
            uid = strtol(argv[++i], &end, 10);
            if (*end != '\0' || uid <= 0) usage();
        } else {
            usage();
        }
    }
    if (i + 1 >= argc) usage();
    errno = 0;
    if (listen_path != NULL) bind_control_socket(listen_path);
    if (app_dir != NULL) {
        /* Mounted before --user drops the gateway's rights: its parents need not be open to the function. */
        if (unshare(CLONE_NEWNS) < 0) die("cannot make a mount namespace for the function's directory");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("cannot keep the replica's mounts its own");
        if (mount(app_dir, app_staging, NULL, MS_BIND | MS_REC, NULL) < 0) die("cannot mount the function's directory %s", app_dir);
    }
    if (host_if != NULL) make_network(host_if, host_address, address, prefix, egress);
    if (host_if != NULL && loopback_port != NULL) forward_to_loopback(loopback_port);
    if (uid > 0) become((uid_t) uid);
    if (args_fd) {
        /* bwrap reads its options from the descriptor; the command after "--" stays on its command line. */
        int fd = (int) syscall(SYS_memfd_create, "jfaas-sandbox-args", 0);
        if (fd < 0) die("cannot make a descriptor for the sandbox's arguments");
        int a = i + 2;
        for (; a < argc && strcmp(argv[a], "--") != 0; a++) {
            size_t length = strlen(argv[a]) + 1;
            if (write(fd, argv[a], length) != (ssize_t) length) die("cannot write the sandbox's arguments");
        }
        if (lseek(fd, 0, SEEK_SET) < 0 || (fd != ARGS_FD && (dup2(fd, ARGS_FD) < 0 || close(fd) < 0))) {
            die("cannot hand the sandbox its arguments");
        }
        /* argv[a - 3 .. a - 1] make room for PROGRAM --args 4 before the "--" (the options are in the descriptor). */
        if (a - (i + 1) < 3) {
            errno = EINVAL;
            die("too few sandbox options to pass by descriptor");
        }
        char **shorter = argv + a - 3;
        shorter[0] = argv[i + 1];
        shorter[1] = "--args";
        shorter[2] = "4";
        execvp(shorter[0], shorter);
        die("cannot run %s", shorter[0]);
    }
    execvp(argv[i + 1], argv + i + 1);
    die("cannot run %s", argv[i + 1]);
}
