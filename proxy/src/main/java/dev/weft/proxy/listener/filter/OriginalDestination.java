package dev.weft.proxy.listener.filter;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Envoy's {@code original_dst} listener filter: the destination a connection had before iptables
 * REDIRECT sent it to the proxy, read with {@code getsockopt(SOL_IP, SO_ORIGINAL_DST)} (or
 * {@code SOL_IPV6, IP6T_SO_ORIGINAL_DST}) on the socket's file descriptor through the FFM API
 * (needs {@code --enable-native-access=ALL-UNNAMED}; the launcher passes it). Only the native epoll
 * transport exposes the descriptor: under NIO, or when the connection was not redirected, there is
 * no original destination and the local address stands.
 */
public final class OriginalDestination {

    private static final System.Logger LOG = System.getLogger(OriginalDestination.class.getName());
    private static final int SOL_IP = 0;
    private static final int SOL_IPV6 = 41;
    private static final int SO_ORIGINAL_DST = 80; // = IP6T_SO_ORIGINAL_DST
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCKADDR_STORAGE = 128;

    private OriginalDestination() {
    }

    /** The connection's original destination; empty when it was not redirected or cannot be read. */
    public static Optional<InetSocketAddress> of(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll) || Native.GETSOCKOPT == null) {
            return Optional.empty();
        }
        int fd = epoll.fd().intValue();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        boolean ipv4 = local == null || local.getAddress() instanceof java.net.Inet4Address
                || isV4Mapped(local.getAddress());
        Optional<InetSocketAddress> found = ipv4 ? read(fd, SOL_IP) : read(fd, SOL_IPV6);
        // A dual-stack socket may answer only at the other level.
        return found.isPresent() ? found : read(fd, ipv4 ? SOL_IPV6 : SOL_IP);
    }

    private static boolean isV4Mapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static Optional<InetSocketAddress> read(int fd, int level) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_STORAGE);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, SOCKADDR_STORAGE);
            int rc = (int) Native.GETSOCKOPT.invokeExact(fd, level, SO_ORIGINAL_DST, address, length);
            if (rc != 0) {
                return Optional.empty(); // ENOENT: no conntrack entry (not redirected)
            }
            return decode(address);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.DEBUG, "SO_ORIGINAL_DST: " + e);
            return Optional.empty();
        }
    }

    // struct sockaddr_in / sockaddr_in6: family in host order (little endian here), port in network order.
    private static Optional<InetSocketAddress> decode(MemorySegment sockaddr) throws UnknownHostException {
        int family = (sockaddr.get(JAVA_BYTE, 0) & 0xff) | (sockaddr.get(JAVA_BYTE, 1) & 0xff) << 8;
        int port = (sockaddr.get(JAVA_BYTE, 2) & 0xff) << 8 | (sockaddr.get(JAVA_BYTE, 3) & 0xff);
        byte[] ip;
        if (family == AF_INET) {
            ip = sockaddr.asSlice(4, 4).toArray(JAVA_BYTE);
        } else if (family == AF_INET6) {
            ip = sockaddr.asSlice(8, 16).toArray(JAVA_BYTE);
        } else {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip), port));
    }

    /** The libc binding, resolved once; null where it cannot be (not Linux, native access denied). */
    private static final class Native {
        static final MethodHandle GETSOCKOPT = lookup();

        private static MethodHandle lookup() {
            try {
                Linker linker = Linker.nativeLinker();
                return linker.defaultLookup().find("getsockopt")
                        .map(symbol -> linker.downcallHandle(symbol,
                                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)))
                        .orElse(null);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "SO_ORIGINAL_DST unavailable: " + e.getMessage());
                return null;
            }
        }
    }
}
