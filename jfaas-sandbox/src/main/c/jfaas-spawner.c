/*
 * jfaas-spawner: runs inside a function's sandbox. It starts every program of the function, so
 * each one starts under the same seccomp filter (seccomp-filter.h), and it forks one process per
 * call, so a forking call pays for a fork and an exec, not for a new sandbox (bubblewrap takes
 * 15-25 ms to build one).
 *
 *   jfaas-spawner --calls                        serve calls on the socket handed in as fd 3
 *   jfaas-spawner --exec -- PROGRAM [ARGS...]    run PROGRAM (an http-mode server)
 *   jfaas-spawner --relay PORT -- PROGRAM [ARGS...]
 *
 * The socket on fd 3 is bound by jfaas-launch outside the sandbox, where the function cannot see
 * or replace it, and listened on here; the gateway connects to it by its path on the host.
 * Each connection is one call, served by a forked manager:
 *   request (gateway -> spawner): u32 argc, argc strings; u32 envc, envc "K=V" strings; one string,
 *     the working directory; a string is a u32 length and its bytes; numbers big-endian. The rest
 *     of the stream is the call's stdin; the gateway's half-close is its end.
 *   answer (spawner -> gateway): frames of u8 type, u32 length, bytes: 1 stdout, 2 stderr,
 *     3 exit (4 bytes: the wait status), 4 failure (text; the call could not start).
 * The gateway closing the connection kills the call's processes (timeouts, cancellation, a caller
 * that went away).
 *
 * Calls are kept apart: each call's process enters a Landlock domain of its own before it execs,
 * so it can neither trace nor read the memory, environment or descriptors of the spawner or of
 * another call (Landlock scopes ptrace and /proc's ptrace checks), nor signal them, nor reach
 * their abstract Unix sockets (scoped from Landlock ABI 6, Linux 6.12). Pids stay unique across
 * a replica's calls, so scripts that name files after $$ do not collide. The manager serving a
 * call is a child subreaper: whatever the call leaves running, even daemonized, is re-parented
 * to it and killed when the call ends. The spawner itself is not dumpable.
 *
 * With --relay it runs PROGRAM (a server in a network namespace of its own, listening on PORT
 * there) and carries each connection to fd 3 over to 127.0.0.1:PORT: for a gateway that cannot
 * give replicas a link of their own (not root). It ends, with PROGRAM's status, when PROGRAM does.
 * Static, with no dependencies, so it runs in any root filesystem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "landlock-domain.h"
#include "seccomp-filter.h"

#define CHUNK 65536
#define SPARES 2
#define CONTROL_FD 3

#include "call-protocol.h"

/* Drops every capability, in every set, for good; then the seccomp filter. */
static int drop_privileges(void) {
    for (int cap = 0; cap <= 63; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL && errno != EPERM) return -1;
    }
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct none[2] = {{0}};
    if (syscall(SYS_capset, &header, none) < 0) return -1;
    /* Unsandboxed (JFAAS_SANDBOX=none) nobody set it yet; the filter needs it once the capabilities are gone. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return -1;
    return jfaas_install_seccomp(jfaas_landlock_abi() == 0);
}

/*
 * Runs in a vfork child, which shares the manager's memory until it execs: it changes only its
 * own process state (process group, descriptors, directory, signals, its Landlock domain) and
 * writes no variable. Its manager's filter is already its own. The program is found on the
 * spawner's PATH, which is the function's.
 */
static void exec_child(char **argv, char **envp, const char *cwd, int in, int out, int err) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct sigaction fresh = {.sa_handler = SIG_DFL};
    sigaction(SIGPIPE, &fresh, NULL);
    sigaction(SIGCHLD, &fresh, NULL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
    if (enter_own_domain() < 0) {
        dprintf(2, "cannot give the call a Landlock domain of its own: %s\n", strerror(errno));
        _exit(126);
    }
    if (cwd[0] != '\0' && chdir(cwd) < 0) {
        dprintf(2, "cannot enter %s: %s\n", cwd, strerror(errno));
        _exit(126);
    }
    execvpe(argv[0], argv, envp);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/*
 * Whether this manager sits in a Landlock domain of its own that scopes signals (ABI 6+), with its
 * call's processes in a domain nested below it: then kill(-1) from the manager reaches exactly
 * them, and nothing of another call or of the spawner.
 */
static int scoped_kill;

/*
 * Kills and reaps whatever the call left running. With scoped signals, one kill(-1, SIGKILL):
 * the kernel signals every process it may while no fork can complete, so nothing the call started,
 * however it forks, is missed. Without, the process group and then the subreaper's remaining
 * children (what left the group was re-parented here), round after round; a call forking faster
 * than that can outlive it there. A call that left nothing costs a kill and a wait.
 */
static void end_leftovers(pid_t call) {
    kill(-call, SIGKILL);
    if (scoped_kill) {
        kill(-1, SIGKILL);
        for (int round = 0; round < 10000; round++) {
            pid_t reaped;
            while ((reaped = waitpid(-1, NULL, WNOHANG)) > 0) {}
            if (reaped < 0 && errno == ECHILD) return;
            usleep(200);
        }
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int) getpid());
    for (int round = 0; round < 1000; round++) {
        pid_t reaped;
        while ((reaped = waitpid(-1, NULL, WNOHANG)) > 0) {}
        if (reaped < 0 && errno == ECHILD) return;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char list[4096];
        ssize_t n = fd < 0 ? -1 : read(fd, list, sizeof list - 1);
        if (fd >= 0) close(fd);
        if (n > 0) {
            list[n] = '\0';
            for (char *word = strtok(list, " \n"); word != NULL; word = strtok(NULL, " \n")) kill((pid_t) atoi(word), SIGKILL);
        }
        usleep(n > 0 ? 100 : 1000);
    }
}

/* Forwards stdin, stdout and stderr of one call until it ends, or the gateway goes away. */
static void serve_call(int sock) {
    char **argv = read_strings(sock, 1);
    char **envp = argv == NULL ? NULL : read_strings(sock, 0);
    char *cwd = envp == NULL ? NULL : read_string(sock);
    if (cwd == NULL) {
        errno = EINVAL;
        fail(sock, "malformed call request");
        return;
    }
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
        fail(sock, "cannot make pipes");
        return;
    }
    pid_t pid = vfork();
    if (pid == 0) exec_child(argv, envp, cwd, in[0], out[1], err[1]);
    if (pid < 0) {
        fail(sock, "cannot fork");
        return;
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);

    /* stdin: 0 forwarding, 1 discarding (the process closed its stdin), 2 done */
    int stdin_state = 0, stdout_open = 1, stderr_open = 1, exited = 0, gone = 0, cleaned = 0;
    int status = 0;
    char input[CHUNK], output[CHUNK];
    size_t pending = 0, offset = 0;
    while (!gone && (stdout_open || stderr_open || !exited)) {
        struct pollfd fds[5];
        int n = 0, i_sock = -1, i_in = -1, i_out = -1, i_err = -1, i_pid = -1;
        fds[i_sock = n++] = (struct pollfd) {sock, stdin_state < 2 && pending == 0 ? POLLIN : 0, 0};
        if (stdin_state == 0 && pending > 0) fds[i_in = n++] = (struct pollfd) {in[1], POLLOUT, 0};
        if (stdout_open) fds[i_out = n++] = (struct pollfd) {out[0], POLLIN, 0};
        if (stderr_open) fds[i_err = n++] = (struct pollfd) {err[0], POLLIN, 0};
        if (!exited && pidfd >= 0) fds[i_pid = n++] = (struct pollfd) {pidfd, POLLIN, 0};
        if (!exited && pidfd < 0 && !stdout_open && !stderr_open) {
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            exited = 1;
            break;
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[i_sock].revents & (POLLHUP | POLLERR)) {
            gone = 1;
            break;
        }
        if (fds[i_sock].revents & POLLIN) {
            ssize_t r = read(sock, input, sizeof input);
            if (r < 0 && errno != EINTR && errno != EAGAIN) {
                gone = 1;
                break;
            }
            if (r == 0) {
                if (stdin_state == 0) close(in[1]);
                stdin_state = 2;
            } else if (r > 0 && stdin_state == 0) {
                pending = (size_t) r;
                offset = 0;
            }
        }
        if (i_in >= 0 && (fds[i_in].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in[1], input + offset, pending);
            if (w > 0) {
                offset += (size_t) w;
                pending -= (size_t) w;
            } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                close(in[1]); /* the process stopped reading: the rest of stdin is dropped */
                stdin_state = 1;
                pending = 0;
            }
        }
        int streams[2] = {i_out, i_err};
        for (int s = 0; s < 2; s++) {
            int i = streams[s];
            if (i < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(fds[i].fd, output, sizeof output);
            if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (r <= 0) {
                close(fds[i].fd);
                if (s == 0) stdout_open = 0; else stderr_open = 0;
            } else if (send_frame(sock, s == 0 ? FRAME_STDOUT : FRAME_STDERR, output, (uint32_t) r) < 0) {
                gone = 1;
                break;
            }
        }
        if (i_pid >= 0 && (fds[i_pid].revents & POLLIN)) {
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            exited = 1;
            /* The call is over: what it left running must not hold its output open. */
            end_leftovers(pid);
            cleaned = 1;
        }
    }
    /* Whatever the call left behind ends with it. */
    if (!exited) kill(pid, SIGKILL);
    if (gone) {
        if (!exited) while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (!cleaned) end_leftovers(pid);
        return;
    }
    if (!cleaned) end_leftovers(pid);
    unsigned char code[4] = {(unsigned) status >> 24, (unsigned) status >> 16, (unsigned) status >> 8, (unsigned) status};
    send_frame(sock, FRAME_EXIT, code, 4);
}

/* One manager: takes the next connection, tells the spawner to make a spare, serves the call, ends. */
static void manage(int server, int notify) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    /*
     * Confined before it takes a call (it waits as a spare, off the call's path; attaching a
     * filter costs a compilation): without capabilities, under the filter, in a Landlock domain of
     * its own. The call's process inherits the filter and enters a domain nested in the manager's,
     * so the manager is out of its reach and it is within the manager's (see end_leftovers).
     */
    int confined = drop_privileges() == 0 && enter_own_domain() == 0 ? 0 : errno;
    scoped_kill = confined == 0 && jfaas_landlock_abi() >= 6;
    signal(SIGCHLD, SIG_DFL);
    for (;;) {
        int sock = accept4(server, NULL, NULL, SOCK_CLOEXEC);
        if (sock >= 0) {
            close(server);
            char one = 1;
            while (write(notify, &one, 1) < 0 && errno == EINTR) {}
            close(notify);
            if (confined != 0) {
                errno = confined;
                fail(sock, "cannot confine the call");
                _exit(1);
            }
            serve_call(sock);
            _exit(0);
        }
        if (errno != EINTR && errno != ECONNABORTED) {
            usleep(10000); /* out of descriptors or memory: try again shortly */
        }
    }
}

/* Forks a spare manager; answers whether it could (not when the replica is out of pids or memory). */
static int spare(int server, int notify) {
    pid_t manager = fork();
    if (manager == 0) manage(server, notify);
    return manager > 0;
}

#include "relay.h"

/*
 * The server of an http replica: under the filter and in a Landlock domain of its own, so it
 * cannot trace the sandbox's first process (bwrap's init, which no filter covers) to run code there.
 */
static int exec_main(char **program) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || jfaas_install_seccomp(jfaas_landlock_abi() == 0) < 0
            || enter_own_domain() < 0) {
        fprintf(stderr, "jfaas-spawner: cannot confine the server: %s\n", strerror(errno));
        return 126;
    }
    execvp(program[0], program);
    fprintf(stderr, "cannot run %s: %s\n", program[0], strerror(errno));
    return 127;
}

static int calls_main(void) {
    signal(SIGCHLD, SIG_IGN); /* managers are reaped by the kernel */
    int server = CONTROL_FD;
    if (listen(server, 512) < 0 || fcntl(server, F_SETFD, FD_CLOEXEC) < 0) {
        fprintf(stderr, "jfaas-spawner: cannot listen on the socket handed in: %s\n", strerror(errno));
        return 1;
    }
    /*
     * Managers are forked ahead of calls (a fork costs most of a millisecond on some machines):
     * SPARES of them wait in accept(), and each one that takes a call asks for its replacement.
     */
    int notify[2];
    if (pipe2(notify, O_CLOEXEC) < 0) {
        fprintf(stderr, "jfaas-spawner: cannot make a pipe: %s\n", strerror(errno));
        return 1;
    }
    /*
     * A spare that cannot be forked now (the calls hold every pid) is tried again every 10 ms:
     * without spares nobody accepts, and the replica would stay ready but answer nothing.
     */
    int spares = 0;
    while (spares < SPARES && spare(server, notify[1])) spares++;
    char taken[64];
    for (;;) {
        struct pollfd wait = {notify[0], POLLIN, 0};
        int ready = poll(&wait, 1, spares < SPARES ? 10 : -1);
        if (ready < 0 && errno != EINTR) return 1;
        if (ready > 0) {
            ssize_t n = read(notify[0], taken, sizeof taken);
            if (n <= 0 && !(n < 0 && errno == EINTR)) return 1;
            if (n > 0) spares -= (int) n;
        }
        while (spares < SPARES && spare(server, notify[1])) spares++;
    }
}

int main(int argc, char **argv) {
    /* No descriptor of whoever started the sandbox may reach the calls, but the socket handed in. */
    for (int fd = CONTROL_FD + 1; fd < 1024; fd++) close(fd);
    /* Nothing of the function may read the spawner's memory or attach to it. */
    prctl(PR_SET_DUMPABLE, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 3 && strcmp(argv[1], "--held") == 0) {
        /*
         * A sandbox made ahead for a function at zero: all of it is in place but its program, which
         * starts when the gateway sends "g" on stdin (the first call). Stdin closed first: dropped.
         */
        char go = 0;
        ssize_t n;
        while ((n = read(0, &go, 1)) < 0 && errno == EINTR) {}
        if (n != 1 || go != 'g') return 0;
        argv++;
        argc--;
    }
    if (argc >= 4 && strcmp(argv[1], "--exec") == 0 && strcmp(argv[2], "--") == 0) {
        signal(SIGPIPE, SIG_DFL);
        prctl(PR_SET_DUMPABLE, 1);
        return exec_main(argv + 3);
    }
    if (argc >= 5 && strcmp(argv[1], "--relay") == 0 && strcmp(argv[3], "--") == 0) {
        return relay_main(atoi(argv[2]), argv + 4);
    }
    if (argc == 2 && strcmp(argv[1], "--calls") == 0) {
        return calls_main();
    }
    fprintf(stderr, "usage: jfaas-spawner [--held] --calls | --exec -- PROGRAM [ARGS...] | --relay PORT -- PROGRAM [ARGS...]\n");
    return 2;
}
