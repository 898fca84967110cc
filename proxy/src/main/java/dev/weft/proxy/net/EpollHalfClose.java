package dev.weft.proxy.net;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.reflect.Field;

/**
 * Keeps a half-closed epoll channel writable. Netty 4.2.18's epoll transport removes a channel's
 * descriptor from epoll when its interest set becomes empty (EPOLL_CTL_DEL), yet still thinks it
 * registered, so the next interest is an EPOLL_CTL_MOD that fails with ENOENT and Netty shuts the
 * channel's output down. A byte relay hits this after the peer half-closes (EPOLLIN and EPOLLRDHUP
 * are dropped) as soon as the peer's receive window fills and EPOLLOUT is needed: the bytes still
 * owed to that peer are lost. {@link #keepRegistered} adds EPOLLERR to the channel's interest set,
 * which epoll reports anyway, so the set is never empty and the descriptor is never removed.
 * Reflection on one private field, done once; when Netty's internals differ it does nothing.
 */
public final class EpollHalfClose {

    private static final System.Logger LOG = System.getLogger(EpollHalfClose.class.getName());
    private static final Field OPS = opsField();

    private EpollHalfClose() {
    }

    private static Field opsField() {
        try {
            Field field = Class.forName("io.netty.channel.epoll.AbstractEpollChannel").getDeclaredField("ops");
            field.setAccessible(true);
            return field.getType() == EpollIoOps.class ? field : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "epoll half-close workaround unavailable: " + e);
            return null;
        }
    }

    /** Call on the channel's event loop, once it is registered (before it half-closes). */
    public static void keepRegistered(Channel channel) {
        if (OPS == null || !(channel instanceof EpollSocketChannel)) {
            return;
        }
        try {
            EpollIoOps ops = (EpollIoOps) OPS.get(channel);
            if (!ops.contains(EpollIoOps.EPOLLERR)) {
                OPS.set(channel, ops.with(EpollIoOps.EPOLLERR));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "epoll half-close workaround failed: " + e);
        }
    }
}
