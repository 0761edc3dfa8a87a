/* The floor: plain TCP or Unix-domain stream sockets carrying length-prefixed messages, with
 * no messaging library in between. "tcp://127.0.0.1:PORT" and "ipc:///path" only; a socket is
 * one connection (accepted lazily on the listening side) and messages land in one reused buffer. */
#define _GNU_SOURCE
#include "bench_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

const char *const bench_impl_name = "stream";

enum { STREAM_EUNSUPPORTED = 100000 };

struct bench_msg {
    size_t len;
    size_t cap;
    unsigned char *data;
};

struct bench_sock {
    int listen_fd;
    int conn_fd;
    bench_msg rx; /* the one receive buffer, handed out by bench_recv */
};

typedef struct {
    struct sockaddr_storage addr;
    socklen_t len;
} stream_addr;

static int parse_url(const char *url, stream_addr *out) {
    memset(out, 0, sizeof(*out));
    if (strncmp(url, "tcp://", 6) == 0) {
        struct sockaddr_in *in = (struct sockaddr_in *) &out->addr;
        char host[64];
        const char *colon = strrchr(url + 6, ':');
        size_t hlen = colon ? (size_t) (colon - (url + 6)) : 0;
        if (colon == NULL || hlen >= sizeof(host)) {
            return EINVAL;
        }
        memcpy(host, url + 6, hlen);
        host[hlen] = '\0';
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t) atoi(colon + 1));
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
            return EINVAL;
        }
        out->len = sizeof(*in);
        return 0;
    }
    if (strncmp(url, "ipc://", 6) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *) &out->addr;
        if (strlen(url + 6) >= sizeof(un->sun_path)) {
            return EINVAL;
        }
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, url + 6);
        out->len = sizeof(*un);
        return 0;
    }
    return STREAM_EUNSUPPORTED;
}

static void set_nodelay(int fd, int family) {
    int one = 1;
    if (family == AF_INET) {
        (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

int bench_open(bench_role role, bench_sock **out) {
    bench_sock *s = calloc(1, sizeof(*s));
    (void) role; /* a stream carries every pattern */
    if (s == NULL) {
        return ENOMEM;
    }
    s->listen_fd = -1;
    s->conn_fd = -1;
    *out = s;
    return 0;
}

int bench_listen(bench_sock *s, const char *url) {
    stream_addr a;
    int one = 1;
    int rv = parse_url(url, &a);
    if (rv != 0) {
        return rv;
    }
    if (a.addr.ss_family == AF_UNIX) {
        (void) unlink(((struct sockaddr_un *) &a.addr)->sun_path);
    }
    s->listen_fd = socket(a.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0) {
        return errno;
    }
    (void) setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(s->listen_fd, (struct sockaddr *) &a.addr, a.len) != 0 || listen(s->listen_fd, 4) != 0) {
        return errno;
    }
    return 0;
}

int bench_dial(bench_sock *s, const char *url) {
    stream_addr a;
    int rv = parse_url(url, &a);
    if (rv != 0) {
        return rv;
    }
    s->conn_fd = socket(a.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->conn_fd < 0) {
        return errno;
    }
    if (connect(s->conn_fd, (struct sockaddr *) &a.addr, a.len) != 0) {
        return errno;
    }
    set_nodelay(s->conn_fd, a.addr.ss_family);
    return 0;
}

/* The listening side accepts its one connection on first use. */
static int connection(bench_sock *s) {
    if (s->conn_fd < 0) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        s->conn_fd = accept4(s->listen_fd, (struct sockaddr *) &peer, &plen, SOCK_CLOEXEC);
        if (s->conn_fd < 0) {
            return -1;
        }
        set_nodelay(s->conn_fd, peer.ss_family);
    }
    return s->conn_fd;
}

static int write_frame(bench_sock *s, const void *buf, size_t len) {
    uint64_t header = len;
    struct iovec iov[2] = {{&header, sizeof(header)}, {(void *) buf, len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    int fd = connection(s);
    if (fd < 0) {
        return errno;
    }
    while (mh.msg_iovlen > 0) {
        ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (n <= 0) {
            return n < 0 ? errno : EPIPE;
        }
        while (mh.msg_iovlen > 0 && (size_t) n >= mh.msg_iov[0].iov_len) {
            n -= (ssize_t) mh.msg_iov[0].iov_len;
            mh.msg_iov++;
            mh.msg_iovlen--;
        }
        if (mh.msg_iovlen > 0) {
            mh.msg_iov[0].iov_base = (char *) mh.msg_iov[0].iov_base + n;
            mh.msg_iov[0].iov_len -= (size_t) n;
        }
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t len) {
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n <= 0) {
            return n < 0 ? errno : EPIPE;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

int bench_send_copy(bench_sock *s, const void *buf, size_t len) { return write_frame(s, buf, len); }

int bench_recv(bench_sock *s, bench_msg **out) {
    uint64_t header;
    int fd = connection(s);
    int rv;
    if (fd < 0) {
        return errno;
    }
    if ((rv = read_full(fd, &header, sizeof(header))) != 0) {
        return rv;
    }
    if (header > s->rx.cap) {
        unsigned char *bigger = realloc(s->rx.data, header);
        if (bigger == NULL) {
            return ENOMEM;
        }
        s->rx.data = bigger;
        s->rx.cap = header;
    }
    s->rx.len = header;
    if ((rv = read_full(fd, s->rx.data, header)) != 0) {
        return rv;
    }
    *out = &s->rx;
    return 0;
}

size_t bench_msg_len(const bench_msg *m) { return m->len; }

int bench_send_msg(bench_sock *s, bench_msg *m) { return write_frame(s, m->data, m->len); }

void bench_msg_free(bench_msg *m) { (void) m; /* the socket's buffer is reused */ }

void bench_shutdown(bench_sock *s) {
    if (s->conn_fd >= 0) {
        (void) shutdown(s->conn_fd, SHUT_RDWR);
    }
    if (s->listen_fd >= 0) {
        (void) shutdown(s->listen_fd, SHUT_RDWR);
    }
}

void bench_free(bench_sock *s) {
    if (s->conn_fd >= 0) {
        close(s->conn_fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    free(s->rx.data);
    free(s);
}

const char *bench_strerror(int err) {
    return err == STREAM_EUNSUPPORTED ? "transport not supported by the stream floor" : strerror(err);
}
