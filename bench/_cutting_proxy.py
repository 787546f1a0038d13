"""A loopback TCP proxy in front of a registry that dies mid-transfer: once a connection has
carried `cut_after` bytes (in the direction given), it closes both sides and refuses new
connections, as a registry process killed in the middle of a pull or a push would."""

import contextlib
import socket
import threading


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to `upstream` (host:port) until it has relayed `cut_after`
    bytes of responses (`direction="down"`, a pull) or of requests ("up", a push)."""

    def __init__(self, upstream: str, cut_after: int, direction: str = "down"):
        host, port = upstream.rsplit(":", 1)
        self.upstream, self.cut_after, self.direction = (host, int(port)), cut_after, direction
        self.relayed, self.cut = 0, threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.host = f"127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            for source, sink, way in ((client, upstream, "up"), (upstream, client, "down")):
                threading.Thread(target=self._pipe, args=(source, sink, way), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, way: str) -> None:
        # A socket the other pipe already closed raises OSError: that is this pipe's end too.
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if way == self.direction:
                    self.relayed += len(data)
                    if self.relayed >= self.cut_after:
                        self._die()
                        break
                sink.sendall(data)
        for end in (source, sink):  # shutdown first: it ends a recv blocked in the other pipe
            with contextlib.suppress(OSError):  # already shut down by the other pipe
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def _die(self) -> None:
        self.cut.set()
        # shutdown wakes the accept() blocked in _accept; a socket only closed would keep
        # listening under it, and new connections would hang instead of being refused.
        with contextlib.suppress(OSError):  # the listener may already be shut
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
