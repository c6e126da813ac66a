#!/usr/bin/env python3
"""A forward HTTP proxy for the tests that knows only CONNECT: it tunnels
bytes to the host and port asked and writes one line per tunnel,
"CONNECT host:port", to the log file. Usage: connect_proxy.py PORTFILE LOG
(it listens on a free port of 127.0.0.1 and writes the port to PORTFILE)."""
import os
import socket
import socketserver
import sys
import threading


class Tunnel(socketserver.BaseRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head:
            more = self.request.recv(4096)
            if not more:
                return
            head += more
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n"
                                 b"Content-Length: 0\r\n\r\n")
            return
        host, _, port = parts[1].rpartition(":")
        with open(sys.argv[2], "a") as log:
            log.write("CONNECT %s\n" % parts[1])
        try:
            up = socket.create_connection((host.strip("[]"), int(port)))
        except OSError:
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\n"
                                 b"Content-Length: 0\r\n\r\n")
            return
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        rest = head.split(b"\r\n\r\n", 1)[1]
        if rest:
            up.sendall(rest)

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        t = threading.Thread(target=pump, args=(up, self.request))
        t.start()
        pump(self.request, up)
        t.join()
        up.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Tunnel)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
