/*
 * The replica's network, made by jfaas-launch before the sandbox: a network namespace, a veth
 * link to the host (rtnetlink) and, for a server, a rule of the namespace's own forwarding its
 * port to loopback (nfnetlink). Netlink, not the ip and nft commands: the nft command alone took
 * ten times as long as all of this. Every request is acknowledged; a refusal ends the launch
 * (die() is jfaas-launch's).
 */
#ifndef JFAAS_REPLICA_NETWORK_H
#define JFAAS_REPLICA_NETWORK_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *format, ...);

#include "netlink-request.h"

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

#endif
