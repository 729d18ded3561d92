/*
 * The spawner's side of a call's wire format (see jfaas-spawner.c and SpawnerCall): strings and
 * numbers of the request, read with bounds (a request over them is refused, not trusted), and the
 * frames of the answer.
 */
#ifndef JFAAS_CALL_PROTOCOL_H
#define JFAAS_CALL_PROTOCOL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_EXIT = 3, FRAME_FAILURE = 4 };

#define MAX_STRINGS 10000
#define MAX_STRING (1u << 20)
#define MAX_REQUEST (8u << 20)

static int read_full(int fd, void *buf, size_t n) {
    char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t) r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static int send_frame(int sock, uint8_t type, const void *data, uint32_t length) {
    unsigned char head[5] = {type, length >> 24, length >> 16, length >> 8, length};
    if (write_full(sock, head, sizeof head) < 0) return -1;
    return length == 0 ? 0 : write_full(sock, data, length);
}

static int read_u32(int sock, uint32_t *value) {
    unsigned char b[4];
    if (read_full(sock, b, 4) < 0) return -1;
    *value = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
    return 0;
}

static size_t request_bytes;

static char *read_string(int sock) {
    uint32_t length;
    if (read_u32(sock, &length) < 0 || length > MAX_STRING) return NULL;
    request_bytes += length;
    if (request_bytes > MAX_REQUEST) return NULL;
    char *s = malloc(length + 1);
    if (s == NULL || (length > 0 && read_full(sock, s, length) < 0)) return NULL;
    s[length] = '\0';
    return s;
}

/* A NULL-terminated array of strings, or NULL if the request is malformed or too big. */
static char **read_strings(int sock, int at_least_one) {
    uint32_t count;
    if (read_u32(sock, &count) < 0 || count > MAX_STRINGS || (at_least_one && count == 0)) return NULL;
    char **list = calloc(count + 1, sizeof *list);
    if (list == NULL) return NULL;
    for (uint32_t i = 0; i < count; i++) {
        if ((list[i] = read_string(sock)) == NULL) return NULL;
    }
    return list;
}

static void fail(int sock, const char *what) {
    char text[512];
    int n = snprintf(text, sizeof text, "%s: %s", what, strerror(errno));
    send_frame(sock, FRAME_FAILURE, text, n < 0 ? 0 : (uint32_t) (n < (int) sizeof text ? n : (int) sizeof text - 1));
}

#endif
