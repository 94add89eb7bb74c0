package io.darner.engine.peer;

import io.darner.engine.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** The child side of a data connection: hands every frame to the task, on the task's loop. */
final class DownloadHandler extends SimpleChannelInboundHandler<Frame> {
    private final TaskRun run;
    private final ParentLink link;

    DownloadHandler(TaskRun run, ParentLink link) {
        this.run = run;
        this.link = link;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        run.onLinkActive(link, ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        run.onFrame(link, frame);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.onLinkClosed(link, ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        run.onLinkError(link, cause);
        ctx.close();
    }
}
