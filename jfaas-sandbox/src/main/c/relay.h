/*
 * jfaas-spawner --relay: for a replica with loopback only (a gateway that cannot make links), the
 * server runs under the filter and each connection to the control socket is carried to
 * 127.0.0.1:PORT inside, by a process of its own. Slower than a link (0.38x through a proxy,
 * bench/README.md), so only where there is no link.
 */
#ifndef JFAAS_RELAY_H
#define JFAAS_RELAY_H

/* Copies one relayed connection both ways until both directions have ended. */
static void splice_both(int a, int b) {
    char buffer[CHUNK];
    int open_a = 1, open_b = 1;
    while (open_a || open_b) {
        struct pollfd fds[2] = {{a, open_a ? POLLIN : 0, 0}, {b, open_b ? POLLIN : 0, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        for (int i = 0; i < 2; i++) {
            int from = i == 0 ? a : b, to = i == 0 ? b : a;
            int *open = i == 0 ? &open_a : &open_b;
            if (!*open || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(from, buffer, sizeof buffer);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) {
                *open = 0;
                shutdown(to, SHUT_WR);
                continue;
            }
            if (write_full(to, buffer, (size_t) n) < 0) return;
        }
    }
}

static int relay_main(int port, char **program) {
    int server = CONTROL_FD;
    if (listen(server, 512) < 0 || fcntl(server, F_SETFD, FD_CLOEXEC) < 0) {
        fprintf(stderr, "jfaas-spawner: cannot listen on the socket handed in: %s\n", strerror(errno));
        return 1;
    }
    pid_t child = fork();
    if (child == 0) {
        close(server);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        prctl(PR_SET_DUMPABLE, 1);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || jfaas_install_seccomp(jfaas_landlock_abi() == 0) < 0
                || enter_own_domain() < 0) {
            fprintf(stderr, "jfaas-spawner: cannot install the seccomp filter: %s\n", strerror(errno));
            _exit(126);
        }
        execvp(program[0], program);
        fprintf(stderr, "cannot run %s: %s\n", program[0], strerror(errno));
        _exit(127);
    }
    int pidfd = (int) syscall(SYS_pidfd_open, child, 0);
    for (;;) {
        struct pollfd fds[2] = {{server, POLLIN, 0}, {pidfd, POLLIN, 0}};
        if (poll(fds, pidfd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (pidfd >= 0 && (fds[1].revents & POLLIN)) {
            int status = 0;
            while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (!(fds[0].revents & POLLIN)) continue;
        int outside = accept4(server, NULL, NULL, SOCK_CLOEXEC);
        if (outside < 0) continue;
        pid_t carrier = fork();
        if (carrier == 0) {
            /* Forked twice, so the relay never waits for it: the sandbox's init reaps it. */
            if (fork() != 0) _exit(0);
            close(server);
            int inside = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            struct sockaddr_in upstream = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
            upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (inside < 0 || connect(inside, (struct sockaddr *) &upstream, sizeof upstream) < 0) _exit(1);
            splice_both(outside, inside);
            _exit(0);
        }
        close(outside);
        if (carrier > 0) while (waitpid(carrier, NULL, 0) < 0 && errno == EINTR) {}
    }
}

#endif
