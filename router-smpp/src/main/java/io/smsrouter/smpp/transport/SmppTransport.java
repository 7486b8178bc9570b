package io.smsrouter.smpp.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Event loops and channel types: native epoll where available (Linux), NIO otherwise; the same
 * socket options for every SMPP connection (TCP_NODELAY: SMPP responses are small and latency
 * matters more than packet count; write-buffer marks so that a slow peer shows as unwritable).
 */
public final class SmppTransport {
    private SmppTransport() {
    }

    public static boolean nativeEpoll() {
        return Epoll.isAvailable() && !Boolean.getBoolean("router.nio");
    }

    public static EventLoopGroup newGroup(int threads) {
        return newGroup("io", threads);
    }

    /**
     * {@code threads} event loops, their threads named {@code <name>-<group>-<n>} (so that {@code
     * top -H}, a profile or a thread dump tells the router's loops from the HTTP ones, and the
     * load tool can count each part's CPU time).
     */
    public static EventLoopGroup newGroup(String name, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory(name), ioHandlerFactory());
    }

    public static IoHandlerFactory ioHandlerFactory() {
        return nativeEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** Threads as Netty's event loops have them by default (not daemons, highest priority), named {@code name}. */
    public static java.util.concurrent.ThreadFactory threadFactory(String name) {
        return new io.netty.util.concurrent.DefaultThreadFactory(name, false, Thread.MAX_PRIORITY);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return nativeEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> clientChannel() {
        return nativeEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static ServerBootstrap server(EventLoopGroup group) {
        return new ServerBootstrap()
                .group(group)
                .channel(serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    }

    public static Bootstrap client(EventLoopGroup group, int connectTimeoutMs) {
        return new Bootstrap()
                .group(group)
                .channel(clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
    }
}
