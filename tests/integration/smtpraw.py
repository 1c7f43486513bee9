"""A raw SMTP conversation over a socket, for what smtplib cannot do:
pipelined batches, BDAT chunks, malformed commands."""
import socket


class Raw:
    def __init__(self, port, timeout=30):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def reply(self):
        """One (possibly multi-line) reply: (code, text)."""
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.s.recv(65536)
                if not chunk:
                    raise EOFError(b"".join(lines) + self.buf)
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3]), b"\n".join(lines).decode(errors="replace")

    def cmd(self, line):
        self.send(line + b"\r\n")
        return self.reply()

    def close(self):
        self.s.close()
