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
 *                [--user UID] -- PROGRAM [ARGS...]
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
 * --user UID     becomes UID/GID UID with no supplementary groups, no capabilities (bounding and
 *                ambient sets emptied) and no_new_privs.
 * Exit status 125 and one line on stderr when a step fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONTROL_FD 3

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

/* ---- netlink: messages built into one buffer, sent at once, each acknowledged ---- */

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

static int link_index(int nl, const char *name, const char *what) {
    struct request r;
    start(&r, RTM_GETLINK, 0);
    add_payload(&r, sizeof(struct ifinfomsg));
    add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    struct {
        struct nlmsghdr header;
        struct ifinfomsg info;
    } reply = {0};
    transact(nl, &r, what, &reply, sizeof reply);
    if (reply.info.ifi_index <= 0) die("no link %s (%s)", name, what);
    return reply.info.ifi_index;
}

static void link_up(int nl, int index, const char *what) {
    struct request r;
    start(&r, RTM_NEWLINK, 0);
    struct ifinfomsg *info = add_payload(&r, sizeof *info);
    info->ifi_family = AF_UNSPEC;
    info->ifi_index = index;
    info->ifi_flags = IFF_UP;
    info->ifi_change = IFF_UP;
    transact(nl, &r, what, NULL, 0);
}

static void add_address(int nl, int index, struct in_addr address, int prefix, const char *what) {
    struct request r;
    start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    struct ifaddrmsg *message = add_payload(&r, sizeof *message);
    message->ifa_family = AF_INET;
    message->ifa_prefixlen = (unsigned char) prefix;
    message->ifa_index = (unsigned) index;
    add_attr(&r, IFA_LOCAL, &address, sizeof address);
    add_attr(&r, IFA_ADDRESS, &address, sizeof address);
    transact(nl, &r, what, NULL, 0);
}

static void add_default_route(int nl, struct in_addr via) {
    struct request r;
    start(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    struct rtmsg *message = add_payload(&r, sizeof *message);
    message->rtm_family = AF_INET;
    message->rtm_table = RT_TABLE_MAIN;
    message->rtm_protocol = RTPROT_BOOT;
    message->rtm_scope = RT_SCOPE_UNIVERSE;
    message->rtm_type = RTN_UNICAST;
    add_attr(&r, RTA_GATEWAY, &via, sizeof via);
    transact(nl, &r, "add the default route", NULL, 0);
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, text, strlen(text)) < 0) { /* IPv6 may be off already */ }
        close(fd);
    }
}

static struct in_addr parse_address(const char *text) {
    struct in_addr address;
    if (inet_pton(AF_INET, text, &address) != 1) {
        errno = EINVAL;
        die("bad address %s", text);
    }
    return address;
}

static void make_network(const char *host_if, const char *host_text, const char *replica_text, int prefix, int egress) {
    struct in_addr host_address = parse_address(host_text), replica_address = parse_address(replica_text);
    if (strlen(host_if) >= IFNAMSIZ || prefix < 8 || prefix > 30) {
        errno = EINVAL;
        die("bad link %s/%d", host_if, prefix);
    }
    int outside = netlink(NETLINK_ROUTE);
    if (unshare(CLONE_NEWNET) < 0) die("cannot make a network namespace");
    int inside = netlink(NETLINK_ROUTE);
    int namespace = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (namespace < 0) die("cannot open the new network namespace");
    /* IPv4 only inside: no link-local IPv6 path to anything. */
    write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");

    struct request r;
    start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    add_payload(&r, sizeof(struct ifinfomsg));
    add_attr(&r, IFLA_IFNAME, host_if, strlen(host_if) + 1);
    struct rtattr *linkinfo = begin_nest(&r, IFLA_LINKINFO);
    add_attr(&r, IFLA_INFO_KIND, "veth", 4);
    struct rtattr *data = begin_nest(&r, IFLA_INFO_DATA);
    struct rtattr *peer = begin_nest(&r, VETH_INFO_PEER);
    add_payload(&r, sizeof(struct ifinfomsg));
    add_attr(&r, IFLA_IFNAME, "eth0", 5);
    add_attr(&r, IFLA_NET_NS_FD, &namespace, sizeof namespace);
    end_nest(&r, peer);
    end_nest(&r, data);
    end_nest(&r, linkinfo);
    transact(outside, &r, "make the replica's link (a veth pair)", NULL, 0);
    close(namespace);

    int host_index = link_index(outside, host_if, "find the host's end of the link");
    add_address(outside, host_index, host_address, prefix, "address the host's end of the link");
    link_up(outside, host_index, "bring the host's end of the link up");
    close(outside);

    link_up(inside, link_index(inside, "lo", "find loopback"), "bring loopback up");
    int eth0 = link_index(inside, "eth0", "find the replica's end of the link");
    add_address(inside, eth0, replica_address, prefix, "address the replica's end of the link");
    link_up(inside, eth0, "bring the replica's end of the link up");
    if (egress) add_default_route(inside, host_address);
    close(inside);
}

/* One nftables expression of a rule: its name and its attributes, added by fill. */
static struct rtattr *begin_expression(struct request *r, const char *name) {
    struct rtattr *element = begin_nest(r, NFTA_LIST_ELEM);
    add_attr(r, NFTA_EXPR_NAME, name, strlen(name) + 1);
    return element;
}

static void add_data(struct request *r, unsigned short type, const void *value, size_t length) {
    struct rtattr *data = begin_nest(r, type);
    add_attr(r, NFTA_DATA_VALUE, value, length);
    end_nest(r, data);
}

static void compare(struct request *r, const void *value, size_t length) {
    struct rtattr *e = begin_expression(r, "cmp");
    struct rtattr *d = begin_nest(r, NFTA_EXPR_DATA);
    add_u32(r, NFTA_CMP_SREG, htonl(NFT_REG_1));
    add_u32(r, NFTA_CMP_OP, htonl(NFT_CMP_EQ));
    add_data(r, NFTA_CMP_DATA, value, length);
    end_nest(r, d);
    end_nest(r, e);
}

static void nft_message(struct request *r, unsigned short type, unsigned short flags, int family) {
    add_message(r, (unsigned short) (NFNL_SUBSYS_NFTABLES << 8 | type), flags);
    struct nfgenmsg *g = add_payload(r, sizeof *g);
    g->nfgen_family = (unsigned char) family;
    g->version = NFNETLINK_V0;
    g->res_id = htons(family == AF_UNSPEC ? NFNL_SUBSYS_NFTABLES : 0);
}

/*
 * Inside the namespace, what comes in for PORT goes on to 127.0.0.1:PORT, as
 *   table ip jfaas { chain in { type nat hook prerouting priority dstnat; meta l4proto tcp tcp dport PORT dnat to 127.0.0.1 } }
 * set over netlink in one batch (the nft command takes ten times as long as the whole namespace),
 * and eth0 may route to loopback. Locally made connections never pass prerouting's nat.
 */
static void forward_to_loopback(const char *port) {
    char *end;
    long number = strtol(port, &end, 10);
    if (*end != '\0' || number < 1 || number > 65535) {
        errno = EINVAL;
        die("bad port %s", port);
    }
    int fd = open("/proc/sys/net/ipv4/conf/eth0/route_localnet", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "1", 1) != 1) die("cannot let eth0 route to loopback");
    close(fd);
    int nl = netlink(NETLINK_NETFILTER);
    struct request *r = calloc(1, sizeof *r);
    if (r == NULL) die("out of memory");
    nft_message(r, 0, 0, AF_UNSPEC);
    r->header->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
    nft_message(r, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_ACK, NFPROTO_IPV4);
    add_attr(r, NFTA_TABLE_NAME, "jfaas", 6);
    nft_message(r, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_ACK, NFPROTO_IPV4);
    add_attr(r, NFTA_CHAIN_TABLE, "jfaas", 6);
    add_attr(r, NFTA_CHAIN_NAME, "in", 3);
    struct rtattr *hook = begin_nest(r, NFTA_CHAIN_HOOK);
    add_u32(r, NFTA_HOOK_HOOKNUM, htonl(NF_INET_PRE_ROUTING));
    add_u32(r, NFTA_HOOK_PRIORITY, htonl((uint32_t) NF_IP_PRI_NAT_DST));
    end_nest(r, hook);
    add_u32(r, NFTA_CHAIN_POLICY, htonl(NF_ACCEPT));
    add_attr(r, NFTA_CHAIN_TYPE, "nat", 4);
    nft_message(r, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, NFPROTO_IPV4);
    add_attr(r, NFTA_RULE_TABLE, "jfaas", 6);
    add_attr(r, NFTA_RULE_CHAIN, "in", 3);
    struct rtattr *expressions = begin_nest(r, NFTA_RULE_EXPRESSIONS);
    struct rtattr *e = begin_expression(r, "meta");
    struct rtattr *d = begin_nest(r, NFTA_EXPR_DATA);
    add_u32(r, NFTA_META_KEY, htonl(NFT_META_L4PROTO));
    add_u32(r, NFTA_META_DREG, htonl(NFT_REG_1));
    end_nest(r, d);
    end_nest(r, e);
    unsigned char tcp = IPPROTO_TCP;
    compare(r, &tcp, 1);
    e = begin_expression(r, "payload");
    d = begin_nest(r, NFTA_EXPR_DATA);
    add_u32(r, NFTA_PAYLOAD_DREG, htonl(NFT_REG_1));
    add_u32(r, NFTA_PAYLOAD_BASE, htonl(NFT_PAYLOAD_TRANSPORT_HEADER));
    add_u32(r, NFTA_PAYLOAD_OFFSET, htonl(2));
    add_u32(r, NFTA_PAYLOAD_LEN, htonl(2));
    end_nest(r, d);
    end_nest(r, e);
    uint16_t destination = htons((uint16_t) number);
    compare(r, &destination, sizeof destination);
    e = begin_expression(r, "immediate");
    d = begin_nest(r, NFTA_EXPR_DATA);
    add_u32(r, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_1));
    struct in_addr loopback = {htonl(INADDR_LOOPBACK)};
    add_data(r, NFTA_IMMEDIATE_DATA, &loopback, sizeof loopback);
    end_nest(r, d);
    end_nest(r, e);
    e = begin_expression(r, "nat");
    d = begin_nest(r, NFTA_EXPR_DATA);
    add_u32(r, NFTA_NAT_TYPE, htonl(NFT_NAT_DNAT));
    add_u32(r, NFTA_NAT_FAMILY, htonl(NFPROTO_IPV4));
    add_u32(r, NFTA_NAT_REG_ADDR_MIN, htonl(NFT_REG_1));
    end_nest(r, d);
    end_nest(r, e);
    end_nest(r, expressions);
    nft_message(r, 0, 0, AF_UNSPEC);
    r->header->nlmsg_type = NFNL_MSG_BATCH_END;
    transact(nl, r, "forward the server's port to loopback (nftables)", NULL, 0);
    free(r);
    close(nl);
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
                    "[--loopback-port PORT] [--user UID] -- PROGRAM [ARGS...]\n");
    _exit(125);
}

int main(int argc, char **argv) {
    const char *listen_path = NULL, *host_if = NULL, *host_address = NULL, *address = NULL;
    const char *loopback_port = NULL;
    int prefix = 0, egress = 0;
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
    if (host_if != NULL) make_network(host_if, host_address, address, prefix, egress);
    if (host_if != NULL && loopback_port != NULL) forward_to_loopback(loopback_port);
    if (uid > 0) become((uid_t) uid);
    execvp(argv[i + 1], argv + i + 1);
    die("cannot run %s", argv[i + 1]);
}
