#!/usr/bin/env python3
"""Opens N keep-alive connections to the balancer, sends one GET on each, keeps them all open and idle, then
prints the balancer process's RSS. Bounded: gives up after 120 s. Usage:
  bench/idle-connections.py PORT PID [N=10000]
Needs `ulimit -n` above N in this shell and in the balancer's. Uses source addresses 127.0.0.2.. to stay clear of
the ephemeral-port limit of one address pair."""
import socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
deadline = time.time() + 120
sockets = []
request = b"GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
for i in range(count):
    if time.time() > deadline:
        break
    s = socket.socket()
    s.bind((f"127.0.0.{2 + i // 20000}", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(request)
    sockets.append(s)
answered = 0
for s in sockets:
    s.settimeout(max(1, deadline - time.time()))
    try:
        if s.recv(65536).startswith(b"HTTP/1.1 200"):
            answered += 1
    except OSError:
        pass
time.sleep(5)  # let the balancer settle with every connection idle
rss_kib = int([l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")][0].split()[1])
open_now = sum(1 for s in sockets if s.fileno() >= 0)
print(f"{len(sockets)} connections opened, {answered} answered 200, all held idle; balancer RSS {rss_kib // 1024} MiB")
for s in sockets:
    s.close()
