// The floor for `bench/server_sse.py --server floor`: the least a server can do for the same SSE
// load on this machine. One thread, one epoll set, one timerfd ticking every 2 ms (as the
// reference server's agent clock), a timer wheel of streams; each event is one chunk written with
// one write(2), framed like the reference server's (id `<stream>:<seq>`, `event: message`, ~payload
// bytes of data, CRLF). No HTTP library, no allocation per event, no locks, no thread hop.
// It answers what the bench needs: `GET /health`, `GET /metrics` (active streams, events sent),
// and `POST /api/v1/query` (a stream of `--events` events every `--interval-ms`).
//
//   cc -O2 -o sse_floor_server bench/sse_floor_server.c
//   ./sse_floor_server PORT INTERVAL_MS EVENTS PAYLOAD_BYTES
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define TICK_MS 2
#define MAX_FDS 65536
#define REQ_MAX 2048

typedef struct Conn {
  int fd;
  int streaming;  // 0: reading the request; 1: an SSE stream
  int seq, remaining, in_wheel;
  long due;                 // tick number of the next event
  struct Conn *next_due;    // the wheel bucket's list
  char req[REQ_MAX];
  int req_len;
} Conn;

static Conn *conns[MAX_FDS];
static Conn **wheel;
static long wheel_size, now_tick;
static long active_streams, events_sent;
static int interval_ticks, events_per_run;
static char payload[65536];
static int payload_len;

static void wheel_add(Conn *c) {
  long slot = c->due % wheel_size;
  c->next_due = wheel[slot];
  c->in_wheel = 1;
  wheel[slot] = c;
}

static void close_conn(Conn *c) {
  if (c->streaming) active_streams--;
  close(c->fd);
  conns[c->fd] = NULL;
  c->fd = -1;
  if (!c->in_wheel) free(c);  // else the wheel frees it when it comes round (fd = -1)
}

static void reply(Conn *c, const char *status, const char *type, const char *body) {
  char out[1024];
  int n = snprintf(out, sizeof out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s", status, type,
                   strlen(body), body);
  if (write(c->fd, out, n) < 0) {}
  c->req_len = 0;
}

// One event as one HTTP chunk: "<hex>\r\n" + event + "\r\n", one write.
static void send_event(Conn *c) {
  char ev[70000], *p = ev + 8;  // room for the chunk header
  int n = sprintf(p, "id: s%d:%d\r\nevent: message\r\ndata: ", c->fd, c->seq);
  memcpy(p + n, payload, payload_len);
  n += payload_len;
  memcpy(p + n, "\r\n\r\n\r\n", 6);  // the event's end, then the chunk's
  int body = n + 4;
  char head[10];
  int h = sprintf(head, "%x\r\n", body);
  memcpy(p - h, head, h);
  if (write(c->fd, p - h, h + body + 2) < 0) {
    if (errno != EAGAIN) close_conn(c);
    return;
  }
  c->seq++;
  events_sent++;
}

static void start_stream(Conn *c) {
  static const char head[] =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  if (write(c->fd, head, sizeof head - 1) < 0) {
    close_conn(c);
    return;
  }
  c->streaming = 1;
  c->seq = 1;
  c->remaining = events_per_run;
  c->due = now_tick + interval_ticks;
  active_streams++;
  wheel_add(c);
}

static void on_request(Conn *c) {
  c->req[c->req_len] = 0;
  char *end = strstr(c->req, "\r\n\r\n");
  if (!end) return;
  long length = 0;
  char *cl = strcasestr(c->req, "content-length:");
  if (cl && cl < end) length = strtol(cl + 15, NULL, 10);
  if (c->req_len < (end + 4 - c->req) + length) return;
  if (!strncmp(c->req, "GET /health", 11)) {
    reply(c, "200 OK", "application/json", "{\"status\":\"ok\"}");
  } else if (!strncmp(c->req, "GET /metrics", 12)) {
    char body[256];
    snprintf(body, sizeof body, "stampede_sse_active_streams %ld\nstampede_sse_events_sent_total %ld\n",
             active_streams, events_sent);
    reply(c, "200 OK", "text/plain", body);
  } else if (!strncmp(c->req, "POST /api/v1/query", 18)) {
    start_stream(c);
  } else {
    reply(c, "404 Not Found", "text/plain", "not found");
  }
}

static void on_tick(void) {
  now_tick++;
  long slot = now_tick % wheel_size;
  Conn *c = wheel[slot], *later = NULL;
  wheel[slot] = NULL;
  while (c) {
    Conn *next = c->next_due;
    if (c->fd < 0) {
      free(c);  // closed while in the wheel
    } else if (c->due > now_tick) {
      c->next_due = later;  // a later lap of the wheel
      later = c;
    } else {
      send_event(c);  // may close it (fd = -1); it stays ours while in_wheel is set
      if (c->fd < 0) {
        free(c);
      } else if (--c->remaining > 0) {
        c->due = now_tick + interval_ticks;
        wheel_add(c);
      } else {
        c->in_wheel = 0;
        if (write(c->fd, "0\r\n\r\n", 5) < 0) {}  // the run's end: the last chunk
      }
    }
    c = next;
  }
  while (later) {
    Conn *next = later->next_due;
    wheel_add(later);
    later = next;
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s PORT INTERVAL_MS EVENTS PAYLOAD_BYTES\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  interval_ticks = atoi(argv[2]) / TICK_MS;
  if (interval_ticks < 1) interval_ticks = 1;
  events_per_run = atoi(argv[3]);
  payload_len = atoi(argv[4]);
  if (payload_len > (int)sizeof payload - 16) payload_len = sizeof payload - 16;
  payload[0] = '{';
  for (int i = 1; i < payload_len - 1; i++) payload[i] = 'a' + i % 26;
  payload[payload_len - 1] = '}';
  wheel_size = interval_ticks + 1;
  wheel = calloc(wheel_size, sizeof *wheel);

  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) {
    perror("bind/listen");
    return 1;
  }
  int ep = epoll_create1(0);
  int tf = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct itimerspec its = {.it_interval = {0, TICK_MS * 1000000}, .it_value = {0, TICK_MS * 1000000}};
  timerfd_settime(tf, 0, &its, NULL);
  struct epoll_event e = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &e);
  e.data.fd = tf;
  epoll_ctl(ep, EPOLL_CTL_ADD, tf, &e);
  struct epoll_event evs[512];
  for (;;) {
    int n = epoll_wait(ep, evs, 512, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == tf) {
        uint64_t expirations;
        if (read(tf, &expirations, sizeof expirations) > 0)
          while (expirations--) on_tick();
      } else if (fd == ls) {
        int cfd;
        while ((cfd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (cfd >= MAX_FDS) {
            close(cfd);
            continue;
          }
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          Conn *c = calloc(1, sizeof *c);
          c->fd = cfd;
          conns[cfd] = c;
          struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = cfd};
          epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ce);
        }
      } else if (conns[fd]) {
        Conn *c = conns[fd];
        if (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
          close_conn(c);
          continue;
        }
        ssize_t r = read(fd, c->req + c->req_len, REQ_MAX - 1 - c->req_len);
        if (r <= 0) {
          if (r < 0 && errno == EAGAIN) continue;
          close_conn(c);
          continue;
        }
        if (!c->streaming) {
          c->req_len += r;
          on_request(c);
        }
      }
    }
  }
}
