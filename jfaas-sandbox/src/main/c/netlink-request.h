/*
 * Netlink requests for jfaas-launch: messages built into one buffer (several make a batch, as
 * nfnetlink wants), sent at once, each that asks for it acknowledged; a refusal ends the launch
 * with the request's purpose and the kernel's reason (die() is jfaas-launch's).
 */
#ifndef JFAAS_NETLINK_REQUEST_H
#define JFAAS_NETLINK_REQUEST_H

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static void die(const char *format, ...);

struct request {
    char buffer[4096];
    size_t length;           /* of the whole buffer: every message so far */
    struct nlmsghdr *header; /* the message being built */
};

static void *tail(struct request *r) {
    return r->buffer + r->length;
}

static void grow(struct request *r, size_t bytes) {
    if (r->length + NLMSG_ALIGN(bytes) > sizeof r->buffer) {
        errno = EMSGSIZE;
        die("netlink request too large");
    }
    r->length += NLMSG_ALIGN(bytes);
    r->header->nlmsg_len = (unsigned) ((char *) tail(r) - (char *) r->header);
}

static struct rtattr *add_attr(struct request *r, unsigned short type, const void *data, size_t length) {
    struct rtattr *attr = tail(r);
    grow(r, RTA_LENGTH(length));
    attr->rta_type = type;
    attr->rta_len = (unsigned short) RTA_LENGTH(length);
    if (length > 0) memcpy(RTA_DATA(attr), data, length);
    return attr;
}

static void add_u32(struct request *r, unsigned short type, uint32_t big_endian) {
    add_attr(r, type, &big_endian, sizeof big_endian);
}

static struct rtattr *begin_nest(struct request *r, unsigned short type) {
    return add_attr(r, type | NLA_F_NESTED, NULL, 0);
}

static void end_nest(struct request *r, struct rtattr *nest) {
    nest->rta_len = (unsigned short) ((char *) tail(r) - (char *) nest);
}

static void *add_payload(struct request *r, size_t length) {
    void *at = tail(r);
    memset(at, 0, NLMSG_ALIGN(length));
    grow(r, length);
    return at;
}

static unsigned sequence;

static void add_message(struct request *r, unsigned short type, unsigned short flags) {
    if (r->length + NLMSG_HDRLEN > sizeof r->buffer) {
        errno = EMSGSIZE;
        die("netlink request too large");
    }
    r->header = tail(r);
    memset(r->header, 0, NLMSG_HDRLEN);
    r->header->nlmsg_type = type;
    r->header->nlmsg_flags = NLM_F_REQUEST | flags;
    r->header->nlmsg_seq = ++sequence;
    r->length += NLMSG_HDRLEN;
    r->header->nlmsg_len = NLMSG_HDRLEN;
}

static void start(struct request *r, unsigned short type, unsigned short flags) {
    r->length = 0;
    add_message(r, type, flags | NLM_F_ACK);
}

/*
 * Sends every message built and waits until each that asked for an acknowledgement has one;
 * copies the answer to the last message into reply, if given.
 */
static void transact(int nl, struct request *r, const char *what, void *reply, size_t reply_size) {
    if (send(nl, r->buffer, r->length, 0) < 0) die("netlink: cannot send (%s)", what);
    unsigned waiting[16];
    int count = 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *) r->buffer; (char *) h < r->buffer + r->length;
            h = (struct nlmsghdr *) ((char *) h + NLMSG_ALIGN(h->nlmsg_len))) {
        if ((h->nlmsg_flags & NLM_F_ACK) && count < 16) waiting[count++] = h->nlmsg_seq;
    }
    char buffer[8192];
    while (count > 0) {
        ssize_t n = recv(nl, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("netlink: no answer (%s)", what);
        for (struct nlmsghdr *h = (struct nlmsghdr *) buffer; NLMSG_OK(h, (unsigned) n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                int error = ((struct nlmsgerr *) NLMSG_DATA(h))->error;
                if (error != 0) {
                    errno = -error;
                    die("cannot %s", what);
                }
                for (int i = 0; i < count; i++) {
                    if (waiting[i] == h->nlmsg_seq) waiting[i] = waiting[--count];
                }
            } else if (reply != NULL && h->nlmsg_seq == r->header->nlmsg_seq) {
                size_t length = h->nlmsg_len < reply_size ? h->nlmsg_len : reply_size;
                memcpy(reply, h, length);
            }
        }
    }
}

static int netlink(int protocol) {
    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    if (nl < 0) die("cannot open netlink");
    return nl;
}

#endif
