"""
The lab's packet agent: injects one crafted IPv4 packet and reports where it arrived.

One long-lived process (started by lab.ts) holds a socket in every namespace of the lab, so a
case costs a few milliseconds instead of a Python start-up per packet. Sockets are created
inside each namespace by switching this thread into it with setns(2) (via ctypes: Python 3.11
has no os.setns); a socket stays bound to the namespace it was made in.

Standard library only, so CI needs nothing beyond python3.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.
  {"op": "send", "origin": <leaf name | "router">, "dstMac": "..", "packet": {...}, "window": ms}
  -> {"captures": [{"where": <leaf name | "router">, "src": .., "dst": .., ...}]}
"""
import ctypes
import json
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4

libc = ctypes.CDLL("libc.so.6", use_errno=True)


def enter(netns_name):
    fd = os.open(f"/run/netns/{netns_name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {netns_name}: {os.strerror(err)}")
    finally:
        os.close(fd)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


TCP_FLAG_BITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20, "ECE": 0x40, "CWR": 0x80}


def ip_header(src, dst, proto, payload_len, ttl, ipid):
    header = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ipid, 0, ttl, proto, 0,
        socket.inet_aton(src), socket.inet_aton(dst),
    )
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:]


def transport(p):
    """The layer-4 bytes of packet description `p` (checksums filled in: conntrack checks them)."""
    proto = p["proto"]
    pseudo = socket.inet_aton(p["src"]) + socket.inet_aton(p["dst"])
    if proto == 6:
        flags = 0
        for name in p.get("tcpFlags", []):
            flags |= TCP_FLAG_BITS[name]
        # A fixed, plausible sequence number: conntrack -I entries carry no window, so any is in it.
        seg = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 1000, 2000 if flags & 0x10 else 0, 5 << 4, flags, 64240, 0, 0)
        csum = checksum(pseudo + struct.pack("!BBH", 0, 6, len(seg)) + seg)
        return seg[:16] + struct.pack("!H", csum) + seg[18:]
    if proto == 17:
        body = b"netfate"
        seg = struct.pack("!HHHH", p["sport"], p["dport"], 8 + len(body), 0) + body
        csum = checksum(pseudo + struct.pack("!BBH", 0, 17, len(seg)) + seg) or 0xFFFF
        return seg[:6] + struct.pack("!H", csum) + seg[8:]
    if proto == 1:
        icmp_type = p.get("icmpType", 8)
        code = p.get("icmpCode", 0)
        if "quote" in p:
            # An ICMP error quotes the offending packet's IP header and its first 8 bytes.
            q = p["quote"]
            inner_l4 = transport({**q, "src": q["src"], "dst": q["dst"]})
            inner = ip_header(q["src"], q["dst"], q["proto"], len(inner_l4), 63, 4242) + inner_l4[:8]
            rest = b"\0\0\0\0" + inner
        else:
            rest = struct.pack("!HH", p.get("icmpId", 7), 1) + b"netfate"
        msg = struct.pack("!BBH", icmp_type, code, 0) + rest
        return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    raise ValueError(f"unsupported protocol {proto}")


def build(p):
    l4 = transport(p)
    return ip_header(p["src"], p["dst"], p["proto"], len(l4), p.get("ttl", 64), p["ipid"]) + l4


def parse_ip(data):
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 0x0F) * 4
    ipid, ttl, proto = struct.unpack("!H", data[4:6])[0], data[8], data[9]
    out = {
        "ipid": ipid, "ttl": ttl, "proto": proto,
        "src": socket.inet_ntoa(data[12:16]), "dst": socket.inet_ntoa(data[16:20]),
    }
    l4 = data[ihl:]
    if proto in (6, 17) and len(l4) >= 4:
        out["sport"], out["dport"] = struct.unpack("!HH", l4[:4])
    if proto == 1 and len(l4) >= 2:
        out["icmpType"], out["icmpCode"] = l4[0], l4[1]
    return out


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


class Agent:
    def __init__(self, config):
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        self.leaves = {}
        for leaf in config["leaves"]:
            enter(leaf["netns"])
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((leaf["iface"], 0))
            self.leaves[leaf["name"]] = {"sock": s, "mac": mac_bytes(leaf["mac"])}
        enter(config["router"])
        self.raw_send = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        # Raw sockets of these protocols get a copy of every packet delivered locally, after INPUT.
        self.router_recv = [socket.socket(socket.AF_INET, socket.SOCK_RAW, proto) for proto in (1, 6, 17)]
        libc.setns(home, CLONE_NEWNET)
        os.close(home)
        self.all = [(name, leaf["sock"]) for name, leaf in self.leaves.items()] + [("router", s) for s in self.router_recv]
        for _, s in self.all:
            s.setblocking(False)

    def drain(self):
        for _, s in self.all:
            while True:
                try:
                    s.recv(65535)
                except BlockingIOError:
                    break

    def send(self, req):
        self.drain()
        p = req["packet"]
        data = build(p)
        send_error = None
        if req["origin"] == "router":
            try:
                self.raw_send.sendto(data, (p["dst"], 0))
            except OSError as e:
                # A local packet that netfilter drops (or routing refuses) fails the send itself:
                # EPERM for a DROP/REJECT in OUTPUT or POSTROUTING. The trace says which.
                send_error = e.strerror
        else:
            leaf = self.leaves[req["origin"]]
            frame = mac_bytes(req["dstMac"]) + leaf["mac"] + struct.pack("!H", ETH_P_IP) + data
            leaf["sock"].send(frame)
        captures = []
        deadline = time.monotonic() + req.get("window", 30) / 1000.0
        socks = {s.fileno(): (name, s) for name, s in self.all}
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(list(socks), [], [], left)
            for fd in ready:
                name, s = socks[fd]
                while True:
                    try:
                        data, addr = s.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if name != "router":
                        if addr[2] == PACKET_OUTGOING or addr[1] != ETH_P_IP:
                            continue
                        data = data[14:]
                    seen = parse_ip(data)
                    if seen and seen["ipid"] == p["ipid"]:
                        seen["where"] = name
                        captures.append(seen)
        return {"captures": captures, "sendError": send_error}


def main():
    agent = Agent(json.loads(sys.argv[1]))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            answer = agent.send(req)
        except Exception as e:  # the harness reports it with the case that caused it
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
